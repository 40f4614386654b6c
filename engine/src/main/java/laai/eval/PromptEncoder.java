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
 *
 * <p>Not final: every pair that reaches the model, in training or scoring, as a query or a
 * demonstration, passes through {@link #example}, so a test can record which pairs were read
 * (that a layer selection never reads the test pairs before its choice).
 */
public class PromptEncoder {
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

    /**
     * A distribution example: the prompt, and the first token of each option's answer text right
     * after the prompt (those K tokens carry the model's distribution over the options).
     */
    public Example distributionExample(laai.tasks.DistributionTask.Item item, List<laai.tasks.DistributionTask.Item> demos) {
        StringBuilder text = new StringBuilder();
        for (laai.tasks.DistributionTask.Item d : demos) {
            text.append(template.zeroShot(d.input())).append(template.answer(d.options().get(d.mode())))
                    .append(template.end()).append(template.separator());
        }
        String prompt = text.append(template.zeroShot(item.input())).toString();
        long[] promptIds = tokenizer.encodeWithBos(prompt);
        long[] options = new long[item.options().size()];
        for (int k = 0; k < options.length; k++) {
            long[] full = tokenizer.encodeWithBos(prompt + template.answer(item.options().get(k)));
            if (full.length <= promptIds.length) {
                throw new IllegalArgumentException("option \"" + item.options().get(k) + "\" tokenises to nothing after the prompt");
            }
            options[k] = full[promptIds.length];
        }
        if (Arrays.stream(options).distinct().count() != options.length) {
            throw new IllegalArgumentException("the options " + item.options() + " do not start with distinct tokens");
        }
        return Example.distribution(promptIds, options, item.target());
    }
}
