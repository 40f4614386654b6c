package laai.intervention;

import laai.checkpoint.Checkpoint;
import laai.checkpoint.CheckpointException;
import laai.checkpoint.DType;
import laai.checkpoint.SafeTensorsWriter;
import laai.model.Site;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A learned intervention: the vector Δ for one layer and site, with what it was trained on.
 * Saved as a safetensors file (tensor "delta", F32) whose metadata holds model, layer, site,
 * task, γ, λ, N, seed, steps and metrics, so that it can be evaluated or composed later.
 */
public record Delta(float[] values, int layer, Site site, int groupSize, Map<String, String> metadata)
        implements java.io.Serializable {

    public Delta {
        metadata = Map.copyOf(metadata);
    }

    public int size() {
        return values.length;
    }

    public double norm() {
        double s = 0;
        for (float v : values) s += (double) v * v;
        return Math.sqrt(s);
    }

    /** ‖Δ_h‖₂ per head (per group). */
    public double[] groupNorms() {
        return new Penalty(0, 0, groupSize).groupNorms(values);
    }

    public int activeGroups() {
        return new Penalty(0, 0, groupSize).activeGroups(values);
    }

    /** a·this + b·other, at the same layer and site. */
    public Delta combine(double a, Delta other, double b) {
        if (other.layer != layer || other.site != site || other.size() != size()) {
            throw new IllegalArgumentException("cannot add vectors of different layers, sites or sizes ("
                    + describe() + " and " + other.describe() + ")");
        }
        float[] sum = new float[size()];
        for (int i = 0; i < sum.length; i++) sum[i] = (float) (a * values[i] + b * other.values[i]);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("task", metadata.getOrDefault("task", "?") + "+" + other.metadata.getOrDefault("task", "?"));
        m.put("weights", a + "," + b);
        return new Delta(sum, layer, site, groupSize, m);
    }

    public String describe() {
        return "Δ(" + metadata.getOrDefault("task", "?") + ", layer " + layer + ", " + site.label() + ", size " + size() + ")";
    }

    public void save(Path file) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        metadata.forEach(w::metadata);
        w.metadata("layer", String.valueOf(layer));
        w.metadata("site", site.label());
        w.metadata("group_size", String.valueOf(groupSize));
        w.add("delta", DType.F32, new long[] {values.length}, values);
        w.write(file);
    }

    public static Delta load(Path file) {
        try (Checkpoint c = Checkpoint.open(file)) {
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            String layer = meta.remove("layer"), site = meta.remove("site"), group = meta.remove("group_size");
            if (layer == null || site == null || group == null) {
                throw new CheckpointException(file + " is not a saved Δ (metadata lacks layer, site or group_size)");
            }
            return new Delta(c.readFloats("delta"), Integer.parseInt(layer), Site.parse(site), Integer.parseInt(group), meta);
        }
    }
}
