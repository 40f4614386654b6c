package laai.eval;

import laai.intervention.Optimizer;
import laai.intervention.Solver;
import laai.model.Site;
import laai.tasks.PromptTemplate;

import java.io.Serializable;
import java.util.Locale;

/**
 * One row of a sweep as plain data: which method, on which task, with every setting it runs with.
 * Small and serialisable (primitives, strings and enums only), so that a plan can be shipped to other
 * JVMs and a failure can say exactly which run failed.
 *
 * @param index  the row's place in the sweep's table
 * @param method what it computes: {@link Method#ZERO_SHOT}, {@link Method#FEW_SHOT} or {@link Method#DELTA}
 *               (a Δ's row is {@link #rowMethod()}: at γ = λ = 0, the unregularised Δ's)
 */
public record RunSpec(int index, Method method, String task, int layer, String site, double gamma, double lambda,
                      int nTrain, int nTest, long seed, int shots, int steps, double learningRate, String solver,
                      int patience, double tolerance, boolean everyToken, boolean naivePath,
                      String query, String answer, String end, String separator, Scorer scorer)
        implements Serializable {

    public RunSpec {
        if (method != Method.ZERO_SHOT && method != Method.FEW_SHOT && method != Method.DELTA) {
            throw new IllegalArgumentException("a sweep runs zero-shot, few-shot or delta, not " + method);
        }
    }

    /** Whether it trains a Δ (the other runs are baselines). */
    public boolean trains() {
        return method == Method.DELTA;
    }

    public static RunSpec of(int index, Method method, String task, Experiment.Settings s, Scorer scorer) {
        Optimizer.Settings o = s.optimizer();
        PromptTemplate t = s.template();
        return new RunSpec(index, method, task, s.layer(), s.site().label(), s.lasso(), s.groupLasso(), s.nTrain(),
                s.nTest(), s.seed(), s.shots(), o.steps(), o.learningRate(), o.solver().name(), o.patience(),
                o.tolerance(), s.everyToken(), s.naivePath(), t.query(), t.answer(), t.end(), t.separator(), scorer);
    }

    /** The engine's settings of this run (they check themselves again here). */
    public Experiment.Settings settings() {
        Optimizer.Settings o = new Optimizer.Settings(steps, learningRate, Solver.valueOf(solver), patience, tolerance);
        return Experiment.Settings.builder(layer).site(Site.parse(site)).lasso(gamma).groupLasso(lambda).nTrain(nTrain)
                .nTest(nTest).seed(seed).shots(shots).optimizer(o).everyToken(everyToken).naivePath(naivePath)
                .template(new PromptTemplate(query, answer, end, separator)).build();
    }

    /** Its row's method: a Δ without penalty (γ = λ = 0) is the unregularised Δ. */
    public Method rowMethod() {
        if (method != Method.DELTA) return method;
        return gamma == 0 && lambda == 0 ? Method.DELTA_UNREGULARIZED : Method.DELTA;
    }

    /** The key of its Δ in {@link Sweep#losses()} and {@link Sweep#deltas()}. */
    public String deltaKey() {
        return "layer " + layer + " γ " + gamma + " λ " + lambda + " N " + nTrain + " seed " + seed;
    }

    /** A file name for its Δ: task and every swept setting, so that the files of one sweep never collide. */
    public String deltaFileName() {
        return String.format(Locale.ROOT, "%s-layer%d-%s-gamma%s-lambda%s-n%d-seed%d.safetensors",
                task.replaceAll("[^A-Za-z0-9._-]", "_"), layer, site, gamma, lambda, nTrain, seed);
    }

    /** What a person needs to find this run again: in error messages and logs. */
    public String describe() {
        String what = rowMethod().label() + " on " + task + ", N " + nTrain + ", seed " + seed;
        if (!trains()) return "run " + index + " (" + what + ")";
        return "run " + index + " (" + what + ", layer " + layer + ", site " + site + ", γ " + gamma + ", λ " + lambda
                + ", " + steps + " steps, lr " + learningRate + ", " + solver.toLowerCase(Locale.ROOT)
                + (naivePath ? ", naive path" : "") + ")";
    }
}
