package laai.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DTypeTest {

    @Test
    void parsesSafetensorsNames() {
        assertEquals(DType.BF16, DType.parse("BF16"));
        assertEquals(DType.F8_E4M3, DType.parse("F8_E4M3"));
        assertEquals(2, DType.parse("U16").bytes());
        assertEquals(8, DType.parse("I64").bytes());
        assertEquals(1, DType.parse("BOOL").bytes());
        assertTrue(DType.F16.isFloat());
        assertFalse(DType.I16.isFloat());
    }

    @Test
    void unknownNameIsACheckpointException() {
        CheckpointException ex = assertThrows(CheckpointException.class, () -> DType.parse("bf16"));
        assertTrue(ex.getMessage().contains("'bf16'"), ex.getMessage());
        assertTrue(DType.lookup("Q4_K").isEmpty());
    }
}
