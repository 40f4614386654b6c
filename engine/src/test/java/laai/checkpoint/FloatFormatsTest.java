package laai.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatFormatsTest {

    @Test
    void everyHalfSurvivesWideningAndNarrowing() {
        for (int h = 0; h < 0x10000; h++) {
            float f = FloatFormats.halfToFloat((short) h);
            short back = FloatFormats.floatToHalf(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(FloatFormats.halfToFloat(back)), "NaN stays NaN for 0x" + Integer.toHexString(h));
            } else {
                assertEquals(h, back & 0xFFFF, "half 0x" + Integer.toHexString(h) + " -> " + f);
            }
        }
    }

    @Test
    void everyBf16SurvivesWideningAndNarrowing() {
        for (int b = 0; b < 0x10000; b++) {
            float f = FloatFormats.bf16ToFloat((short) b);
            short back = FloatFormats.floatToBf16(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(FloatFormats.bf16ToFloat(back)));
            } else {
                assertEquals(b, back & 0xFFFF, "bf16 0x" + Integer.toHexString(b));
            }
        }
    }

    @Test
    void knownHalfValues() {
        assertEquals(65504f, FloatFormats.halfToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, FloatFormats.halfToFloat((short) 0x0001));
        assertEquals(0x1p-14f, FloatFormats.halfToFloat((short) 0x0400));
        assertEquals(-2f, FloatFormats.halfToFloat((short) 0xC000));
        assertEquals(Float.POSITIVE_INFINITY, FloatFormats.halfToFloat((short) 0x7C00));
        assertEquals(0x7C00, FloatFormats.floatToHalf(65520f) & 0xFFFF, "65520 is the tie above 65504: rounds to inf");
        assertEquals(0x7BFF, FloatFormats.floatToHalf(65519f) & 0xFFFF);
        assertEquals(0x0000, FloatFormats.floatToHalf(0x1p-25f) & 0xFFFF, "tie between 0 and the smallest subnormal");
        assertEquals(0x0001, FloatFormats.floatToHalf(0x1.000002p-25f) & 0xFFFF);
        assertEquals(0x8000, FloatFormats.floatToHalf(-0f) & 0xFFFF);
    }

    /** Narrowing must pick the nearer neighbour, ties to the even one; checked against exact doubles. */
    @Test
    void narrowingRoundsToNearestEven() {
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            checkNearestEven(f, FloatFormats.floatToBf16(f), true);
            if (Math.abs(f) < 65504f) {
                checkNearestEven(f, FloatFormats.floatToHalf(f), false);
            }
        }
        // ties: exactly halfway between two bf16 values, with even and odd lower neighbours
        assertEquals(0x3F80, FloatFormats.floatToBf16(Float.intBitsToFloat(0x3F808000)) & 0xFFFF);
        assertEquals(0x3F82, FloatFormats.floatToBf16(Float.intBitsToFloat(0x3F818000)) & 0xFFFF);
    }

    private static void checkNearestEven(float f, short narrowed, boolean bf16) {
        double got = bf16 ? FloatFormats.bf16ToFloat(narrowed) : FloatFormats.halfToFloat(narrowed);
        if (Double.isInfinite(got)) {
            // IEEE overflow: round as if the exponent were unbounded; infinity stands for the next power of two
            got = Math.copySign(bf16 ? 0x1p128 : 0x1p16, got);
        }
        double chosen = got;
        int code = narrowed & 0xFFFF;
        // neighbours of the chosen code (same sign direction); the chosen one must be no farther than either
        for (int step : new int[] {-1, 1}) {
            int other = code + step;
            if ((other & 0x7FFF) == 0x7FFF || other < 0 || other > 0xFFFF || ((other ^ code) & 0x8000) != 0) {
                continue;
            }
            double alt = bf16 ? FloatFormats.bf16ToFloat((short) other) : FloatFormats.halfToFloat((short) other);
            if (Double.isInfinite(alt) || Double.isNaN(alt)) {
                continue;
            }
            double dGot = Math.abs(got - f);
            double dAlt = Math.abs(alt - f);
            assertTrue(dGot <= dAlt, () -> f + " narrowed to " + chosen + " but " + alt + " is closer");
            if (dGot == dAlt) {
                assertEquals(0, code & 1, () -> f + " is a tie and must round to the even code");
            }
        }
    }

    @Test
    void float8Tables() {
        assertEquals(448f, FloatFormats.e4m3ToFloat((byte) 0x7E));
        assertEquals(-448f, FloatFormats.e4m3ToFloat((byte) 0xFE));
        assertEquals(0x1p-9f, FloatFormats.e4m3ToFloat((byte) 0x01));
        assertEquals(1f, FloatFormats.e4m3ToFloat((byte) 0x38));
        assertEquals(1.125f, FloatFormats.e4m3ToFloat((byte) 0x39));
        assertTrue(Float.isNaN(FloatFormats.e4m3ToFloat((byte) 0x7F)));
        assertEquals(57344f, FloatFormats.e5m2ToFloat((byte) 0x7B));
        assertEquals(1f, FloatFormats.e5m2ToFloat((byte) 0x3C));
        assertEquals(Float.NEGATIVE_INFINITY, FloatFormats.e5m2ToFloat((byte) 0xFC));
        assertEquals(0x1p-16f, FloatFormats.e5m2ToFloat((byte) 0x01));
    }
}
