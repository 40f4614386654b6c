package laai.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DjlTest {
    @Test
    void libtorchIsAskedForHugePagesBeforeItLoads() {
        Djl.engine();
        String expected = System.getenv(Djl.HUGE_PAGES) != null ? System.getenv(Djl.HUGE_PAGES) : "1";
        assertEquals(expected, Djl.hugePagesSetting(),
                "the process environment libtorch reads at its first allocation");
    }
}
