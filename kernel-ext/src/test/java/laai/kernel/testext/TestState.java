package laai.kernel.testext;

import java.util.concurrent.atomic.AtomicInteger;

/** Static state that the test magics and notebook cells both reach: they share one JVM. */
public final class TestState {

    public static final AtomicInteger COUNTER = new AtomicInteger();

    private TestState() {
    }
}
