package laai.eval;

import laai.intervention.Example;
import laai.model.TextTokenizer;
import laai.tasks.Pair;
import laai.tasks.PromptTemplate;

import java.util.Arrays;
import java.util.List;

/**
 * Turns pairs into token ids: the prompt (BOS, then zero- or k-shot text) and the answer tokens
 * that follow it (" y" and the end marker). The answer tokens are those of the whole text beyond
 * the prompt's, so they are exactly what the model sees when the answer follows the prompt.
 */
public final class PromptEncoder {
    private final TextTokenizer tokenizer;
    private final PromptTemplate template;

    public PromptEncoder(TextTokenizer tokenizer, PromptTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    public PromptTemplate template() {
        return template;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public String promptText(Pair pair, List<Pair> demos) {
        return demos.isEmpty() ? template.zeroShot(pair.input()) : template.fewShot(demos, pair.input());
    }

    public long[] prompt(Pair pair, List<Pair> demos) {
        return tokenizer.encodeWithBos(promptText(pair, demos));
    }

    /**
     * The teacher-forced training example: prompt, then the answer and end-marker tokens. As in
     * lm-evaluation-harness, the answer tokens are those of the whole text beyond the prompt's
     * token count: a tokenizer without whitespace pre-splitting (TinyStories' BPE) may merge the
     * prompt's last character with the answer's leading space, and then Δ learns to emit the
     * answer's tokens right after the prompt as encoded alone, which is also what evaluation feeds.
     */
    public Example example(Pair pair, List<Pair> demos) {
        String prompt = promptText(pair, demos);
        long[] promptIds = tokenizer.encodeWithBos(prompt);
        long[] full = tokenizer.encodeWithBos(prompt + template.answer(pair.output()) + template.end());
        if (full.length <= promptIds.length) {
            throw new IllegalArgumentException("the output \"" + pair.output() + "\" (input \"" + pair.input()
                    + "\") tokenises to nothing after the prompt");
        }
        return Example.answer(promptIds, Arrays.copyOfRange(full, promptIds.length, full.length));
    }
}
