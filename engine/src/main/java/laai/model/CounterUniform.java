package laai.model;

import laai.checkpoint.SafeTensorsWriter;

import java.nio.charset.StandardCharsets;

/**
 * Uniform values in {@code center ± halfWidth} as a pure function of a key and the element's index:
 * SplitMix64 in counter mode. Pair p of elements (2p, 2p + 1) takes the low and high 32 bits of the
 * mix of {@code key + (p + 1)·γ} (the sequence {@link java.util.SplittableRandom} would draw from
 * that state). Any chunk can therefore be computed on its own, by any thread, in any order, and the
 * tensor comes out the same; two values cost one 64-bit mix, which keeps a 16 GB checkpoint bound
 * by the disk rather than the generator.
 */
final class CounterUniform implements SafeTensorsWriter.Values {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private final long key;
    private final float center;
    private final float halfWidth;
    private final boolean bf16Representable;

    CounterUniform(long key, float center, float halfWidth, boolean bf16Representable) {
        this.key = key;
        this.center = center;
        this.halfWidth = halfWidth;
        this.bf16Representable = bf16Representable;
    }

    /** A tensor's key: the seed and the tensor's name, hashed (FNV-1a over UTF-8) and mixed. */
    static long key(long seed, String name) {
        long h = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return mix(h ^ mix(seed + GAMMA));
    }

    @Override
    public void fill(long first, float[] out, int count) {
        int i = 0;
        long j = first;
        if ((j & 1) != 0 && count > 0) { // an odd start: the high half of its pair
            out[i++] = value((int) (mix(key + ((j >>> 1) + 1) * GAMMA) >>> 32));
            j++;
        }
        long state = key + (j >>> 1) * GAMMA;
        for (; i + 1 < count; i += 2) {
            state += GAMMA;
            long r = mix(state);
            out[i] = value((int) r);
            out[i + 1] = value((int) (r >>> 32));
        }
        if (i < count) out[i] = value((int) mix(state + GAMMA)); // an odd end: the low half
    }

    /** 23 random bits as the mantissa of a float in [1, 2), mapped to [−1, 1), then scaled. */
    private float value(int bits) {
        float u = (Float.intBitsToFloat(0x3F80_0000 | (bits >>> 9)) - 1.5f) * 2f;
        float v = center + halfWidth * u;
        return bf16Representable ? Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xFFFF_0000) : v;
    }

    /** SplitMix64's finaliser (Stafford's variant 13), as in SplittableRandom. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
