package laai.intervention;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import laai.runtime.Interrupted;

/**
 * The two weights of α·Δ_A + β·Δ_B fitted to a task's loss: composition with two parameters
 * instead of none (the plain sum) or all of Δ (re-optimisation). Adam on (α, β), whose gradient is
 * the loss's gradient in Δ projected on Δ_A and on Δ_B; it starts at the plain sum (1, 1) and keeps
 * the best pair seen, so its loss is never above the sum's.
 */
public final class WeightFit {
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    /** The fitted weights, their loss, the plain sum's loss, and the steps taken. */
    public record Result(double alpha, double beta, double loss, double sumLoss, int steps) {}

    private WeightFit() {}

    public static Result fit(LossPath path, NDManager manager, float[] a, float[] b, int steps, double learningRate) {
        if (a.length != b.length) throw new IllegalArgumentException("Δ_A and Δ_B differ in size: " + a.length + ", " + b.length);
        if (steps < 1) throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
        double[] w = {1, 1}, m = new double[2], v = new double[2], best = w.clone();
        double bestLoss = Double.POSITIVE_INFINITY, sumLoss = Double.NaN;
        Engine engine = Engine.getEngine("PyTorch");
        int step = 1;
        for (; step <= steps; step++) {
            Interrupted.check("fitting the composition weights");
            float[] delta = new float[a.length];
            for (int i = 0; i < delta.length; i++) delta[i] = (float) (w[0] * a[i] + w[1] * b[i]);
            double loss;
            float[] grad;
            try (NDScope ignored = new NDScope(); GradientCollector gc = engine.newGradientCollector()) {
                NDArray d = manager.create(delta);
                d.setRequiresGradient(true);
                NDArray l = path.loss(d);
                loss = l.toType(DataType.FLOAT64, false).getDouble();
                if (!Double.isFinite(loss)) break;
                gc.backward(l);
                grad = d.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
            }
            if (step == 1) sumLoss = loss;
            if (loss < bestLoss) {
                bestLoss = loss;
                best = w.clone();
            }
            double[] g = {dot(grad, a), dot(grad, b)};
            double c1 = 1 - Math.pow(BETA1, step), c2 = 1 - Math.pow(BETA2, step);
            for (int k = 0; k < 2; k++) {
                m[k] = BETA1 * m[k] + (1 - BETA1) * g[k];
                v[k] = BETA2 * v[k] + (1 - BETA2) * g[k] * g[k];
                w[k] -= learningRate * (m[k] / c1) / (Math.sqrt(v[k] / c2) + EPS);
            }
        }
        return new Result(best[0], best[1], bestLoss, sumLoss, step - 1);
    }

    private static double dot(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (double) x[i] * y[i];
        return s;
    }
}
