package laai.cli;

import laai.model.TextTokenizer;
import picocli.CommandLine.Option;

/** A prompt given as text (tokenised with BOS) or as token ids. */
final class PromptOptions {
    @Option(names = "--prompt", description = "Text; tokenised with the checkpoint's tokenizer, BOS first.")
    String text;

    @Option(names = "--ids", split = ",", description = "Comma-separated token ids, used as they are.")
    long[] ids;

    long[] ids(TextTokenizer tokenizer, int vocabSize) {
        long[] out = ids != null ? ids : tokenizer.encodeWithBos(text);
        validate(out, vocabSize);
        return out;
    }

    static void validate(long[] tokens, int vocabSize) {
        if (tokens.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        for (long id : tokens) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary 0.." + (vocabSize - 1));
            }
        }
    }
}
