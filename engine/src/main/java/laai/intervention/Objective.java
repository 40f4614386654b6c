package laai.intervention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * The smooth part of the objective, (1/N) Σ_i loss_i, computed from the logits of the rows it
 * reads. Row r is sample {@link #rowSample rowSample(r)} at offset {@link #rowOffset rowOffset(r)}
 * after its last prompt token; each loss path lays its positions out its own way and reads these
 * rows in this order. Rule tasks read one row per answer token (NLL averaged per sample); distribution tasks
 * read the last prompt token and compare the distribution renormalised over the options (KL).
 */
public final class Objective {
    private final List<Example> examples;
    private final int[] rowSample;
    private final int[] rowOffset;
    private final boolean distribution;
    private final long[] targets;
    private final float[] weights;
    private final long[] options;
    private final float[][] q;

    public Objective(List<Example> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no training examples");
        this.examples = List.copyOf(examples);
        this.distribution = examples.get(0).isDistribution();
        int n = examples.size();
        if (distribution) {
            options = examples.get(0).options();
            q = new float[n][];
            rowSample = new int[n];
            rowOffset = new int[n];
            for (int i = 0; i < n; i++) {
                Example e = examples.get(i);
                if (!e.isDistribution() || !java.util.Arrays.equals(e.options(), options)) {
                    throw new IllegalArgumentException("distribution examples must share one option set");
                }
                rowSample[i] = i;
                q[i] = e.target();
            }
            targets = null;
            weights = null;
        } else {
            int rows = examples.stream().mapToInt(e -> e.answer().length).sum();
            rowSample = new int[rows];
            rowOffset = new int[rows];
            targets = new long[rows];
            weights = new float[rows];
            int r = 0;
            for (int i = 0; i < n; i++) {
                Example e = examples.get(i);
                if (e.isDistribution()) throw new IllegalArgumentException("cannot mix answer and distribution examples");
                for (int j = 0; j < e.answer().length; j++, r++) {
                    rowSample[r] = i;
                    rowOffset[r] = j;
                    targets[r] = e.answer()[j];
                    weights[r] = 1f / (e.answer().length * n);
                }
            }
            options = null;
            q = null;
        }
    }

    public List<Example> examples() {
        return examples;
    }

    /** How many rows the loss reads. */
    int rows() {
        return rowSample.length;
    }

    /** The sample row r belongs to. */
    int rowSample(int r) {
        return rowSample[r];
    }

    /** Row r's offset after its sample's last prompt token: 0 is that token, j the j-th answer position. */
    int rowOffset(int r) {
        return rowOffset[r];
    }

    /** The objective's value from the rows' logits, [rows, vocab]; a scalar, differentiable. */
    NDArray loss(NDArray logits) {
        NDManager m = logits.getManager();
        if (!distribution) {
            NDArray logp = logits.logSoftmax(-1).gather(m.create(targets, new Shape(targets.length, 1)), 1).squeeze(1);
            return logp.mul(m.create(weights).toType(logp.getDataType(), false)).sum().neg();
        }
        // KL(q ‖ p) with p the model's distribution renormalised over the K option tokens.
        NDArray logp = logits.get(new NDIndex(":, {}", m.create(options))).logSoftmax(-1);
        float[] flat = new float[q.length * options.length];
        double constant = 0;
        for (int i = 0; i < q.length; i++) {
            for (int k = 0; k < options.length; k++) {
                flat[i * options.length + k] = q[i][k];
                if (q[i][k] > 0) constant += q[i][k] * StrictMath.log(q[i][k]);
            }
        }
        NDArray target = m.create(flat, new Shape(q.length, options.length)).toType(logp.getDataType(), false);
        // The divisor as a tensor the step's scope keeps until after backward, not a bare number:
        // see DecoderModel.constant.
        return logp.mul(target).sum().neg().add((float) constant).div(m.create((float) q.length));
    }
}
