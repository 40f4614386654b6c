package laai.spark;

import laai.eval.Experiment;
import laai.eval.ModelSpec;
import laai.eval.PromptEncoder;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import laai.runtime.Djl;
import laai.tasks.PromptTemplate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM, loaded once each and kept for every task the JVM runs: a worker runs
 * many groups, and loading weights is the one cost a group must not pay again. Keyed by the whole
 * {@link ModelSpec} (folder, device, dtype, precision, threads), so that another setting is
 * another model. Never closed: they live as long as the executor.
 */
final class WorkerModels {
    private WorkerModels() {}

    private record Loaded(DecoderModel model, TextTokenizer tokenizer) {}

    private static final Map<ModelSpec, Loaded> LOADED = new ConcurrentHashMap<>();

    /**
     * One group at a time per JVM: DJL's PyTorch engine has one gradient collector per process
     * ("A PtGradientCollector is already collecting"), so two task threads cannot train at once.
     * Several task threads (local[N], executor cores above 1) take turns; parallelism comes from
     * executors, so give each executor one core (README).
     */
    static final java.util.concurrent.locks.ReentrantLock ONE_AT_A_TIME = new java.util.concurrent.locks.ReentrantLock(true);

    /** How many times a model was loaded in this JVM (tests check that it is once). */
    static final java.util.concurrent.atomic.AtomicInteger LOADS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * An experiment on the model of {@code spec}, for the calling task thread: grad mode off on
     * it (DJL keeps grad mode per thread, and a task thread is not the one that loaded libtorch).
     */
    static Experiment experiment(ModelSpec spec, PromptTemplate template) {
        Loaded loaded = LOADED.computeIfAbsent(spec, s -> {
            LOADS.incrementAndGet();
            return new Loaded(s.load(), s.tokenizer());
        });
        Djl.noGradOnThisThread();
        return new Experiment(loaded.model(), new PromptEncoder(loaded.tokenizer(), template), spec.name());
    }
}
