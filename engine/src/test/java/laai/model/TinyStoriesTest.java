package laai.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import laai.runtime.Djl;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real pretrained BF16 checkpoint: a wrong RoPE layout, norm or GQA mapping yields noise. */
class TinyStoriesTest {
    static { Djl.engine(); }

    @Test
    void greedyStoryFromBosOpensWithLily() {
        Path dir = Fixtures.sharedModel("TinyStories-656K");
        try (DecoderModel model = DecoderModel.load(dir, Device.cpu(), DataType.FLOAT32);
             TextTokenizer tokenizer = TextTokenizer.load(dir)) {
            assertEquals(1, tokenizer.bos());
            assertArrayEquals(new int[] {2}, tokenizer.eos());
            assertEquals(4, model.config().numKvHeads());
            assertTrue(model.config().tieWordEmbeddings());
            long[] story = new Generator(model).greedy(new long[][] {{tokenizer.bos()}}, 48, tokenizer::isEos, null)[0];
            String text = tokenizer.decode(story);
            assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);
            assertEquals(48, story.length, text);
        }
    }
}
