package laai.checkpoint;

/**
 * Bit-level conversions between float32 and the narrow float formats found in checkpoints. Java 17
 * has none of these built in ({@code Float.float16ToFloat} arrived in Java 20), and DJL's PyTorch
 * engine cannot represent bfloat16 at all, so widening happens here.
 */
final class FloatFormats {

    private static final float[] E4M3 = table(FloatFormats::decodeE4m3);
    private static final float[] E5M2 = table(b -> halfToFloat((short) (b << 8)));

    private FloatFormats() {}

    /** bfloat16 is the top half of a float32, so widening is exact. */
    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Rounds to nearest, ties to even (what torch does); NaN stays a quiet NaN with its sign. */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): mant * 2^-24, exact in float32
            return sign == 0 ? v : -v;
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Rounds to nearest, ties to even; overflow becomes infinity, underflow a subnormal or zero. */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7F_FFFF;
        if (exp == 0xFF) {
            return (short) (sign | 0x7C00 | (mant == 0 ? 0 : 0x200 | (mant >>> 13)));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            // Subnormal result: shift the full 24-bit significand down to units of 2^-24.
            return (short) (sign | roundShift(mant | 0x80_0000, 14 - e));
        }
        // A carry out of the mantissa correctly bumps the exponent (up to infinity).
        return (short) (sign | ((e << 10) + roundShift(mant, 13)));
    }

    /** {@code value >> shift}, rounded to nearest with ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }

    /** float8 e4m3 "fn" (the safetensors F8_E4M3): bias 7, no infinities, S.1111.111 is NaN. */
    static float e4m3ToFloat(byte b) {
        return E4M3[b & 0xFF];
    }

    /** float8 e5m2: the top byte of a float16. */
    static float e5m2ToFloat(byte b) {
        return E5M2[b & 0xFF];
    }

    private static float decodeE4m3(int b) {
        int exp = (b >>> 3) & 0xF;
        int mant = b & 0x7;
        float magnitude;
        if (exp == 0xF && mant == 0x7) {
            magnitude = Float.NaN;
        } else if (exp == 0) {
            magnitude = mant * 0x1p-9f;
        } else {
            magnitude = (1 + mant / 8f) * (float) Math.scalb(1.0, exp - 7);
        }
        return (b & 0x80) == 0 ? magnitude : -magnitude;
    }

    private interface ByteDecoder {
        float decode(int b);
    }

    private static float[] table(ByteDecoder decoder) {
        float[] t = new float[256];
        for (int b = 0; b < 256; b++) {
            t[b] = decoder.decode(b);
        }
        return t;
    }
}
