package laai.eval;

import ai.djl.ndarray.types.DataType;
import laai.intervention.Delta;
import laai.intervention.Example;
import laai.intervention.FastPath;
import laai.intervention.LossPath;
import laai.intervention.NaivePath;
import laai.intervention.Objective;
import laai.intervention.Optimizer;
import laai.intervention.Penalty;
import laai.intervention.StepListener;
import laai.model.DecoderModel;
import laai.model.ModelConfig;
import laai.model.Site;
import laai.runtime.Interrupted;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;
import laai.tasks.Split;
import laai.tasks.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The paper's experiment on one task: learn Δ on N training pairs at one layer and site, and
 * compare on the held-out pairs against zero-shot, k-shot prompting and Δ without regularisation.
 */
public final class Experiment {

    /** Every option of an intervention run; defaults follow docs/method.md. */
    public record Settings(int layer, Site site, double lasso, double groupLasso, int nTrain, int nTest, long seed,
                           int shots, Optimizer.Settings optimizer, boolean everyToken, boolean naivePath,
                           PromptTemplate template) {

        /** Checked here, so that a bad value fails before any baseline or optimisation runs. */
        public Settings {
            if (!(lasso >= 0) || !Double.isFinite(lasso)) {
                throw new IllegalArgumentException("γ (--lasso) must be a finite number ≥ 0, got " + lasso);
            }
            if (!(groupLasso >= 0) || !Double.isFinite(groupLasso)) {
                throw new IllegalArgumentException("λ (--group-lasso) must be a finite number ≥ 0, got " + groupLasso);
            }
            if (nTrain < 1) throw new IllegalArgumentException("N (--train) must be at least 1, got " + nTrain);
            if (nTest < 0) throw new IllegalArgumentException("--test must be ≥ 0 (0: all the rest), got " + nTest);
            if (shots < 0) throw new IllegalArgumentException("--shots must be ≥ 0, got " + shots);
        }

        public static Settings defaults(int layer) {
            return new Settings(layer, Site.HEADS, 0.01, 0.01, 10, 50, 0, 10, Optimizer.Settings.defaults(),
                    false, false, PromptTemplate.DEFAULT);
        }

        /** The defaults at {@code layer}, to change by name: {@code builder(1).seed(3).nTrain(5).build()}. */
        public static Builder builder(int layer) {
            return defaults(layer).toBuilder();
        }

        /** These settings, to change by name. */
        public Builder toBuilder() {
            return new Builder(this);
        }

        public Settings withPenalty(double lasso, double groupLasso) {
            return toBuilder().lasso(lasso).groupLasso(groupLasso).build();
        }

        public Settings withLayer(int layer) {
            return toBuilder().layer(layer).build();
        }

        public Settings withSeed(long seed) {
            return toBuilder().seed(seed).build();
        }

        public Settings withShots(int shots) {
            return toBuilder().shots(shots).build();
        }

        public Settings withOptimizer(Optimizer.Settings optimizer) {
            return toBuilder().optimizer(optimizer).build();
        }

        public Settings withTrain(int nTrain) {
            return toBuilder().nTrain(nTrain).build();
        }

        /** Settings built by name; {@link #build} checks them as the constructor does. */
        public static final class Builder {
            private int layer;
            private Site site;
            private double lasso, groupLasso;
            private int nTrain, nTest;
            private long seed;
            private int shots;
            private Optimizer.Settings optimizer;
            private boolean everyToken, naivePath;
            private PromptTemplate template;

            private Builder(Settings s) {
                layer = s.layer;
                site = s.site;
                lasso = s.lasso;
                groupLasso = s.groupLasso;
                nTrain = s.nTrain;
                nTest = s.nTest;
                seed = s.seed;
                shots = s.shots;
                optimizer = s.optimizer;
                everyToken = s.everyToken;
                naivePath = s.naivePath;
                template = s.template;
            }

            public Builder layer(int layer) {
                this.layer = layer;
                return this;
            }

            public Builder site(Site site) {
                this.site = site;
                return this;
            }

            /** γ, the L1 weight. */
            public Builder lasso(double lasso) {
                this.lasso = lasso;
                return this;
            }

            /** λ, the per-head group-lasso weight. */
            public Builder groupLasso(double groupLasso) {
                this.groupLasso = groupLasso;
                return this;
            }

            public Builder nTrain(int nTrain) {
                this.nTrain = nTrain;
                return this;
            }

            public Builder nTest(int nTest) {
                this.nTest = nTest;
                return this;
            }

            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            public Builder shots(int shots) {
                this.shots = shots;
                return this;
            }

            public Builder optimizer(Optimizer.Settings optimizer) {
                this.optimizer = optimizer;
                return this;
            }

            public Builder everyToken(boolean everyToken) {
                this.everyToken = everyToken;
                return this;
            }

            public Builder naivePath(boolean naivePath) {
                this.naivePath = naivePath;
                return this;
            }

            public Builder template(PromptTemplate template) {
                this.template = template;
                return this;
            }

            public Settings build() {
                return new Settings(layer, site, lasso, groupLasso, nTrain, nTest, seed, shots, optimizer, everyToken,
                        naivePath, template);
            }
        }
    }

    /** A trained Δ with its optimisation record. */
    public record Trained(Delta delta, Optimizer.Result result, double seconds) {}

    /**
     * What one comparison gave: its rows in table order, and its Δs by the method of their rows
     * (the unregularised Δ, then Δ: the order they train in). An experiment keeps nothing between
     * calls; whoever wants the Δs takes them from here.
     */
    public record Outcome(List<ResultRow> rows, Map<Method, Trained> trained) {
        public Outcome {
            rows = List.copyOf(rows);
            trained = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trained));
        }

        /** The Δ trained for {@code method}'s row. */
        public Delta delta(Method method) {
            Trained t = trained.get(method);
            if (t == null) throw new IllegalArgumentException("no Δ of " + method + " here, only of " + trained.keySet());
            return t.delta();
        }
    }

    /** The rows of every outcome, in order. */
    public static List<ResultRow> rows(List<Outcome> outcomes) {
        List<ResultRow> rows = new ArrayList<>();
        for (Outcome o : outcomes) rows.addAll(o.rows());
        return rows;
    }

    private final DecoderModel model;
    private final PromptEncoder encoder;
    private final String modelName;
    private final int evalBatch;
    private final Scorer scorer;

    /** Scores exact match with {@link Scorer#DEFAULT}. */
    public Experiment(DecoderModel model, PromptEncoder encoder, String modelName) {
        this(model, encoder, modelName, Scorer.DEFAULT);
    }

    public Experiment(DecoderModel model, PromptEncoder encoder, String modelName, Scorer scorer) {
        this.model = model;
        this.encoder = encoder;
        this.modelName = modelName;
        this.evalBatch = 16;
        this.scorer = scorer;
    }

    /** The same model and prompts, scoring exact match with {@code scorer} (a new experiment, no runs yet). */
    public Experiment withScorer(Scorer scorer) {
        return new Experiment(model, encoder, modelName, scorer);
    }

    public Scorer scorer() {
        return scorer;
    }

    private Evaluator evaluator() {
        return new Evaluator(model, encoder, evalBatch, scorer);
    }

    public DecoderModel model() {
        return model;
    }

    public PromptEncoder encoder() {
        return encoder;
    }

    public Split split(Task task, Settings s) {
        return Split.of(task, s.nTrain(), s.nTest(), s.seed());
    }

    /** The four rows of the paper's comparison: zero-shot, k-shot, Δ with γ = λ = 0, Δ; and the two Δs. */
    public Outcome intervene(Task task, Settings s, RunListener listener) {
        return interveneAll(List.of(task), List.of(s), List.of(true), listener).get(0);
    }

    /**
     * {@link #intervene} at each seed (each its own split, demonstrations and Δs; all Δs trained
     * together): the outcome of every seed, in seed order. {@link SeedAggregate} makes one row per
     * method of their {@link #rows}.
     */
    public List<Outcome> interveneSeeds(Task task, Settings s, long[] seeds, RunListener listener) {
        List<Task> tasks = new ArrayList<>();
        List<Settings> settings = new ArrayList<>();
        List<Boolean> baselines = new ArrayList<>();
        for (long seed : seeds) {
            tasks.add(task);
            settings.add(s.withSeed(seed));
            baselines.add(true);
        }
        return interveneAll(tasks, settings, baselines, listener);
    }

    /** {@link #interveneDistribution} at each seed, one after another: the outcome of every seed, in seed order. */
    public List<Outcome> interveneDistributionSeeds(laai.tasks.DistributionTask task, Settings s, long[] seeds,
                                                    RunListener listener) {
        List<Outcome> outcomes = new ArrayList<>();
        for (long seed : seeds) outcomes.add(interveneDistribution(task, s.withSeed(seed), listener));
        return outcomes;
    }

    /**
     * {@link #intervene} for several tasks (or seeds) at once: the outcome of each, in order (the
     * two baselines only where {@code baselines} says so), with all their Δs (two per task) trained
     * together where they share a layer.
     *
     * <p>The baselines run first, then the trainings, then the Δs' evaluations, each reported to
     * {@code listener} as it starts (rows) and as it finishes: an interrupt ({@link Interrupted})
     * then leaves its caller the baselines and the Δs trained so far.
     */
    public List<Outcome> interveneAll(List<Task> tasks, List<Settings> settings, List<Boolean> baselines,
                                        RunListener listener) {
        if (tasks.size() != settings.size() || tasks.size() != baselines.size()) {
            throw new IllegalArgumentException("one settings and one baselines flag per task");
        }
        RunListener report = RunListener.orNone(listener);
        for (int i = 0; i < settings.size(); i++) {
            checkLayer(settings.get(i).layer());
            if (baselines.get(i)) checkShots(settings.get(i).shots(), settings.get(i).nTrain());
        }
        List<Split> splits = new ArrayList<>();
        List<List<ResultRow>> rowsPerTask = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Settings s = settings.get(i);
            Split split = split(tasks.get(i), s);
            splits.add(split);
            List<ResultRow> rows = new ArrayList<>();
            if (baselines.get(i)) {
                report.rowStarted(Method.ZERO_SHOT, s);
                rows.add(finished(report, baseline(Method.ZERO_SHOT, split, s, 0)));
                report.rowStarted(Method.FEW_SHOT, s);
                rows.add(finished(report, baseline(Method.FEW_SHOT, split, s, s.shots())));
            }
            rowsPerTask.add(rows);
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Objective objective = objective(splits.get(i));
            jobs.add(new Job(objective, tasks.get(i).name(), settings.get(i).withPenalty(0, 0)));
            jobs.add(new Job(objective, tasks.get(i).name(), settings.get(i)));
        }
        List<Trained> trained = trainTogether(jobs, report, System.nanoTime());
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            Settings s = settings.get(i);
            Split split = splits.get(i);
            List<ResultRow> rows = rowsPerTask.get(i);
            Trained plain = trained.get(2 * i), regularized = trained.get(2 * i + 1);
            report.rowStarted(Method.DELTA_UNREGULARIZED, s.withPenalty(0, 0));
            rows.add(finished(report, evaluate(Method.DELTA_UNREGULARIZED, split, s.withPenalty(0, 0), plain)));
            report.rowStarted(Method.DELTA, s);
            rows.add(finished(report, evaluate(Method.DELTA, split, s, regularized)));
            outcomes.add(new Outcome(rows, deltas(plain, regularized)));
        }
        return outcomes;
    }

    /** The two Δs of a comparison by their rows' methods, in the order they train. */
    private static Map<Method, Trained> deltas(Trained unregularized, Trained regularized) {
        Map<Method, Trained> deltas = new LinkedHashMap<>();
        deltas.put(Method.DELTA_UNREGULARIZED, unregularized);
        deltas.put(Method.DELTA, regularized);
        return deltas;
    }

    private static ResultRow finished(RunListener listener, ResultRow row) {
        listener.rowFinished(row);
        return row;
    }

    /**
     * The opinion-dynamics comparison: zero-shot, k-shot (demonstrations answered with their most
     * likely option), Δ with γ = λ = 0, Δ; scored by mean KL(q ‖ p) over the options, with the
     * share of items whose most likely option matches the target's in first_token_acc.
     */
    public Outcome interveneDistribution(laai.tasks.DistributionTask task, Settings s, RunListener listener) {
        RunListener report = RunListener.orNone(listener);
        checkLayer(s.layer());
        checkShots(s.shots(), s.nTrain());
        laai.tasks.DistributionTask.Split split = task.split(s.nTrain(), s.nTest(), s.seed());
        Evaluator evaluator = evaluator();
        List<ResultRow> rows = new ArrayList<>();
        report.rowStarted(Method.ZERO_SHOT, s);
        long t0 = System.nanoTime();
        rows.add(finished(report, klRow(Method.ZERO_SHOT, task, s, evaluator.meanKl(split.test(), i -> List.of(), null), -1, 0,
                seconds(t0))));
        report.rowStarted(Method.FEW_SHOT, s);
        t0 = System.nanoTime();
        List<laai.tasks.DistributionTask.Item> pool = split.train();
        Evaluator.KlMetrics fewShot = evaluator.meanKl(split.test(), i -> demonstrations(pool, s.shots(), s.seed(), i.input()),
                null);
        rows.add(finished(report, klRow(Method.FEW_SHOT, task, s, fewShot, -1, 0, seconds(t0))));
        long trainStart = System.nanoTime();
        List<Example> examples = new ArrayList<>();
        for (laai.tasks.DistributionTask.Item item : split.train()) examples.add(encoder.distributionExample(item, List.of()));
        List<Settings> variants = List.of(s.withPenalty(0, 0), s);
        List<Trained> trained = trainAll(new Objective(examples), task.name(), variants, report, trainStart);
        List<Method> methods = List.of(Method.DELTA_UNREGULARIZED, Method.DELTA);
        for (int v = 0; v < variants.size(); v++) {
            Settings variant = variants.get(v);
            Trained t = trained.get(v);
            report.rowStarted(methods.get(v), variant);
            t0 = System.nanoTime();
            Evaluator.KlMetrics m = evaluator.meanKl(split.test(), i -> List.of(), t.delta());
            rows.add(finished(report, klRow(methods.get(v), task, variant, m, t.delta().activeGroups(),
                    t.result().stepsRun(), t.seconds() + seconds(t0))));
        }
        return new Outcome(rows, deltas(trained.get(0), trained.get(1)));
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private ResultRow klRow(Method method, laai.tasks.DistributionTask task, Settings s, Evaluator.KlMetrics m,
                            int activeHeads, int steps, double seconds) {
        boolean delta = method.isDelta();
        // No generation is scored here: the scorer does not apply.
        return ResultRow.measured(method, task.name(), delta ? s.layer() : -1, delta ? s.site().label() : "",
                delta ? s.lasso() : Double.NaN, delta ? s.groupLasso() : Double.NaN, s.nTrain(), s.seed(),
                activeHeads, steps, seconds, "", m.items());
    }

    public void checkLayer(int layer) {
        model.config().checkLayer(layer);
    }

    /** Learns Δ on the split's training pairs (zero-shot prompts). */
    public Trained train(Split split, Settings s, RunListener listener) {
        return trainAll(objective(split), split.task().name(), List.of(s), listener, System.nanoTime()).get(0);
    }

    /** The training objective of a split: its training pairs as zero-shot prompts. */
    public Objective objective(Split split) {
        List<Example> examples = new ArrayList<>();
        for (Pair p : split.train()) examples.add(encoder.example(p, List.of()));
        return new Objective(examples);
    }

    /** One Δ to learn: its objective, the task it is named after, and its settings. */
    public record Job(Objective objective, String task, Settings settings) {}

    /** Δs trained together at most: their rows share every product of a step, and its memory. */
    public static final int MAX_BATCH = 8;

    /**
     * How many of these Δs (at one layer) train together: at most {@link #MAX_BATCH}, and no more
     * than keep a step's activations within {@link #stepBudget} (at least one). At Gemma-2-2B's shape
     * each Δ of 10 zero-shot samples holds about 0.24 GB during a step, so 8 of them held 1.9 GB
     * above the weights and the process peaked at 1.25× its F32 weights; within the budget it is 6.
     */
    public int batchSize(List<Job> jobs, int layer) {
        long widest = 1;
        for (Job job : jobs) {
            long positions = 0;
            for (Example e : job.objective().examples()) positions += e.changedPositions();
            widest = Math.max(widest, stepBytes(model.config(), model.dtype(), model.streamsWeights(), positions, layer));
        }
        return batchSize(stepBudget(model.config(), model.storage()), widest);
    }

    static int batchSize(long budget, long bytesPerDelta) {
        return (int) Math.max(1, Math.min(MAX_BATCH, budget / Math.max(1, bytesPerDelta)));
    }

    /**
     * Bytes a batch's step may hold beyond the weights: 15 % of the weights' bytes, at least 1 GB,
     * the headroom of the memory limit this toolkit keeps to (1.15 × the weights + 1 GB).
     */
    static long stepBudget(ModelConfig c, DataType storage) {
        long weights = c.parameterCount() * storage.getNumOfBytes();
        return Math.max(1L << 30, weights * 15 / 100);
    }

    /**
     * A Δ's share of a fast step's memory, estimated from the shapes: each of its changed positions
     * keeps, in each layer above ℓ, about six MLP-wide and two dozen hidden-wide arrays for backward
     * (counted from autograd's saved tensors at Gemma-2-2B's shape), and in the head two
     * vocabulary-wide rows. Streamed weights keep only each layer's input (the layer is recomputed).
     */
    static long stepBytes(ModelConfig c, DataType compute, boolean streamed, long positions, int layer) {
        long above = c.numLayers() - layer - 1;
        long perLayer = streamed ? c.hiddenSize() : 6L * c.intermediateSize() + 24L * c.hiddenSize();
        return positions * (above * perLayer + 2L * c.vocabSize()) * compute.getNumOfBytes();
    }

    /**
     * Learns one Δ per settings on the same objective, all at one layer and site; see
     * {@link #trainTogether}.
     */
    public List<Trained> trainAll(Objective objective, String taskName, List<Settings> variants, RunListener listener,
                                  long t0) {
        List<Job> jobs = new ArrayList<>();
        for (Settings v : variants) jobs.add(new Job(objective, taskName, v));
        return trainTogether(jobs, listener, t0);
    }

    /**
     * Learns a Δ per job. On the fast path, jobs at the same layer and site train together as
     * batched Δs, up to {@link #batchSize} at a time (one loss and one backward pass per step for
     * all); each Δ's seconds are its batch's time, shared equally. The naive path trains them one
     * after another. Results come in the jobs' order.
     *
     * <p>Each Δ is reported to {@code listener} as its batch ends. An interrupt stops the batch in
     * training between two steps (each Δ keeps its best so far, and is reported), then throws
     * {@link Interrupted}; the batches after it never start.
     */
    public List<Trained> trainTogether(List<Job> jobs, RunListener listener, long t0) {
        RunListener report = RunListener.orNone(listener);
        Trained[] trained = new Trained[jobs.size()];
        Map<String, List<Integer>> byPlace = new LinkedHashMap<>();
        for (int j = 0; j < jobs.size(); j++) {
            Settings s = jobs.get(j).settings();
            checkLayer(s.layer());
            String key = s.naivePath() ? "naive " + j : s.layer() + " " + s.site();
            byPlace.computeIfAbsent(key, k -> new ArrayList<>()).add(j);
        }
        List<List<Integer>> batches = new ArrayList<>();
        for (List<Integer> same : byPlace.values()) {
            int size = batchSize(same.stream().map(jobs::get).toList(), jobs.get(same.get(0)).settings().layer());
            for (int from = 0; from < same.size(); from += size) {
                batches.add(same.subList(from, Math.min(same.size(), from + size)));
            }
        }
        for (List<Integer> batch : batches) {
            Interrupted.check("training");
            List<Job> these = batch.stream().map(jobs::get).toList();
            List<Optimizer.Result> results = train(these, report);
            double seconds = (System.nanoTime() - t0) / 1e9 / these.size();
            t0 = System.nanoTime();
            for (int b = 0; b < batch.size(); b++) {
                Job job = these.get(b);
                trained[batch.get(b)] = new Trained(delta(results.get(b), job.task(), job.settings()), results.get(b), seconds);
                report.deltaTrained(job, trained[batch.get(b)]);
            }
            // The optimiser stops on an interrupt and returns the best Δs so far (just reported);
            // evaluating them as if they were results would report numbers nobody asked for.
            Interrupted.check("training");
        }
        return List.of(trained);
    }

    /** The loss path of one objective at the settings' layer and site (naive or fast, as they say). */
    LossPath path(Objective objective, Settings s) {
        return path(List.of(objective), s);
    }

    /** One Δ per objective on the fast path; the naive path trains the first alone. */
    private LossPath path(List<Objective> objectives, Settings s) {
        checkLayer(s.layer());
        return s.naivePath() ? new NaivePath(model, objectives.get(0), s.layer(), s.site())
                : new FastPath(model, objectives, s.layer(), s.site());
    }

    /** Jobs that share layer, site and path, as one batch (one job on the naive path). */
    private List<Optimizer.Result> train(List<Job> batch, StepListener listener) {
        Settings first = batch.get(0).settings();
        int groupSize = model.config().headDim();
        List<Optimizer> optimizers = new ArrayList<>();
        List<Objective> objectives = new ArrayList<>();
        for (Job job : batch) {
            Settings v = job.settings();
            optimizers.add(new Optimizer(v.optimizer(), new Penalty(v.lasso(), v.groupLasso(), groupSize), listener));
            objectives.add(job.objective());
        }
        int size = model.siteSize(first.site());
        try (LossPath path = path(objectives, first)) {
            return Optimizer.minimiseTogether(path, model.manager(), size, optimizers);
        }
    }

    Delta delta(Optimizer.Result result, String taskName, Settings s) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", modelName);
        meta.put("task", taskName);
        meta.put("gamma", String.valueOf(s.lasso()));
        meta.put("lambda", String.valueOf(s.groupLasso()));
        meta.put("n_train", String.valueOf(s.nTrain()));
        meta.put("seed", String.valueOf(s.seed()));
        meta.put("steps", String.valueOf(result.stepsRun()));
        meta.put("solver", s.optimizer().solver().label());
        meta.put("learning_rate", String.valueOf(s.optimizer().learningRate()));
        meta.put("final_loss", String.valueOf(result.loss()));
        meta.put("stop", result.stop().label());
        meta.put("stop_reason", result.stopReason());
        return new Delta(result.delta(), s.layer(), s.site(), model.config().headDim(), meta);
    }

    public ResultRow baseline(Method method, Split split, Settings s, int shots) {
        checkShots(shots, split.train().size());
        long t0 = System.nanoTime();
        Evaluator.Metrics m = evaluator().exactMatch(split.test(), demos(split, shots), null, false);
        return row(method, split, s, m, -1, 0, (System.nanoTime() - t0) / 1e9);
    }

    public ResultRow evaluate(Method method, Split split, Settings s, Trained trained) {
        long t0 = System.nanoTime();
        Evaluator.Metrics m = evaluateDelta(split.test(), trained.delta(), s.everyToken());
        return row(method, split, s, m, trained.delta().activeGroups(), trained.result().stepsRun(),
                trained.seconds() + (System.nanoTime() - t0) / 1e9);
    }

    public Evaluator.Metrics evaluateDelta(List<Pair> test, Delta delta, boolean everyToken) {
        return evaluator().exactMatch(test, p -> List.of(), delta, everyToken);
    }

    public Evaluator.Metrics evaluatePrompting(List<Pair> test, List<Pair> pool, int shots, long seed) {
        return evaluator().exactMatch(test, demos(pool, shots, seed), null, false);
    }

    /** Demonstrations are drawn from the training pairs; asking for more must not quietly give fewer. */
    public static void checkShots(int shots, int nTrain) {
        if (shots > nTrain) {
            throw new IllegalArgumentException("--shots " + shots + " asks for more demonstrations than the " + nTrain
                    + " training pairs (--train) they are drawn from");
        }
    }

    /** k demonstrations per test pair, drawn from the training pairs, seeded per test input. */
    private static Function<Pair, List<Pair>> demos(Split split, int shots) {
        return demos(split.train(), shots, split.seed());
    }

    static Function<Pair, List<Pair>> demos(List<Pair> pool, int shots, long seed) {
        if (shots == 0) return p -> List.of();
        return p -> demonstrations(pool, shots, seed, p.input());
    }

    /**
     * Every k-shot prompt's demonstrations (rule pairs and opinion items alike), here only: the pool
     * shuffled by a seed of the run and the test input, its first k.
     */
    static <T> List<T> demonstrations(List<T> pool, int shots, long seed, String input) {
        List<T> copy = new ArrayList<>(pool);
        java.util.Collections.shuffle(copy, new Random(seed * 31 + input.hashCode()));
        return copy.subList(0, Math.min(shots, copy.size()));
    }

    ResultRow row(Method method, Split split, Settings s, Evaluator.Metrics m, int activeHeads, int steps, double seconds) {
        return row(method, split, s, m.items(), activeHeads, steps, seconds);
    }

    /** A row of this run's seed from per-item values (several arrays: repeated draws, pooled as seeds are). */
    ResultRow row(Method method, Split split, Settings s, ItemScores items, int activeHeads, int steps, double seconds) {
        boolean delta = method.isDelta();
        return ResultRow.withItems(method, split.task().name(), delta ? s.layer() : -1, delta ? s.site().label() : "",
                delta ? s.lasso() : Double.NaN, delta ? s.groupLasso() : Double.NaN, s.nTrain(), List.of(s.seed()),
                activeHeads, steps, seconds, scorer.label(), items);
    }
}
