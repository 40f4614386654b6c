package laai.intervention;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import laai.checkpoint.DType;
import laai.model.Fixtures;
import laai.model.DecoderModel;
import laai.model.RandomCheckpoint;
import laai.model.Site;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Backward must not read memory freed between the forward and the backward pass. DJL's
 * {@code x.mul(float)} makes a 0-d tensor over a direct buffer and closes it at once, while
 * autograd keeps it for the backward pass; once the garbage collector has freed that buffer and
 * something else has reused it, the gradient silently changes (the same seed gave different Δs
 * from one process to the next). Here the collector runs and fresh buffers full of 1e30 are
 * allocated between loss and backward, and the gradient must be bit for bit the undisturbed one.
 */
class FreedConstantsTest {
    static { Djl.engine(); }

    @TempDir
    Path tmp;

    @Test
    void theGradientIsTheSameWhenFreedBuffersAreReusedBeforeBackward() throws Exception {
        RandomCheckpoint[] models = {Fixtures.tinyLlama(), Fixtures.tinyGemma2(), Fixtures.tinyGpt2()};
        for (RandomCheckpoint random : models) {
            Path dir = random.write(tmp.resolve(random.config.get("model_type").toString()), DType.F32, 0);
            try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32)) {
                for (Objective objective : List.of(new Objective(PathsTest.answerExamples(6, 97, 1)),
                        new Objective(PathsTest.distributionExamples(5, 97, 2)))) {
                    try (LossPath path = new NaivePath(model, objective, 1, Site.HEADS)) {
                        float[] undisturbed = gradient(model, path, false);
                        float[] disturbed = gradient(model, path, true);
                        assertArrayEquals(undisturbed, disturbed, random.config.get("model_type") + ": gradient changed");
                    }
                }
            }
        }
    }

    private static float[] gradient(DecoderModel model, LossPath path, boolean disturb) throws InterruptedException {
        float[] delta = new float[model.siteSize(Site.HEADS)];
        for (int i = 0; i < delta.length; i++) delta[i] = 0.01f * (i % 5 - 2);
        List<ByteBuffer> garbage = new ArrayList<>();
        try (NDScope ignored = new NDScope(); GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray d = model.manager().create(delta);
            d.setRequiresGradient(true);
            NDArray loss = path.loss(d);
            if (disturb) {
                for (int round = 0; round < 3; round++) {
                    System.gc();
                    Thread.sleep(50); // direct buffers are freed by the Cleaner thread after a collection
                    for (int i = 0; i < 20_000; i++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                        b.putFloat(0, 1e30f);
                        garbage.add(b);
                    }
                }
            }
            gc.backward(loss);
            float[] g = d.getGradient().toFloatArray();
            garbage.clear();
            return g;
        }
    }
}
