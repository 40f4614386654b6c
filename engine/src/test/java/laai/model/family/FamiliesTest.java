package laai.model.family;

import laai.checkpoint.CheckpointException;
import laai.model.ModelConfig;
import laai.model.RandomCheckpoint;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry by model_type, and the config it builds as a value. */
class FamiliesTest {

    @Test
    void theSupportedListIsTheRegistry() {
        assertEquals(Families.registered(), Families.SUPPORTED);
        assertSame(Families.QWEN3, Families.of("Qwen3"));
        assertNull(Families.of("bert"));
        for (String type : Families.SUPPORTED.split(", ")) assertEquals(type, Families.of(type).modelType());
    }

    @Test
    void anUnknownModelTypeNamesTheSupportedOnes() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> new RandomCheckpoint(64, 2, 4, 2, 96, 97).set("model_type", "bert").modelConfig());
        assertTrue(e.getMessage().contains("unsupported model_type \"bert\" (supported: " + Families.SUPPORTED + ")"),
                e.getMessage());
    }

    @Test
    void aConfigIsAValueItsArraysIncluded() {
        RandomCheckpoint random = new RandomCheckpoint(64, 2, 4, 2, 96, 97).set("model_type", "mistral")
                .set("sliding_window", 8).set("eos_token_id", new int[] {2, 3});
        ModelConfig a = random.modelConfig(), b = random.modelConfig();
        assertNotSame(a.slidingWindowPerLayer(), b.slidingWindowPerLayer());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        a.slidingWindowPerLayer()[0] = 0;
        a.eosTokenIds()[0] = 7;
        assertEquals(8, a.window(0));
        assertEquals(2, a.eosTokenIds()[0]);
        assertNotEquals(a, random.set("sliding_window", 9).modelConfig());
    }
}
