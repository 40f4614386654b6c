package laai.tasks;

import java.util.List;

/**
 * How a pair becomes text. Function Vectors' default: {@code "Q: {x}\nA:"} then the answer
 * {@code " {y}"} and an end marker {@code "\n"}; a k-shot prompt puts k demonstrations, each
 * ended by the end marker and a separator {@code "\n"} (so a blank line between them), before
 * the query.
 */
public record PromptTemplate(String query, String answer, String end, String separator) {

    public static final PromptTemplate DEFAULT = new PromptTemplate("Q: {x}\nA:", " {y}", "\n", "\n");

    public PromptTemplate {
        if (!query.contains("{x}")) throw new IllegalArgumentException("the query template needs {x}: " + query);
        if (!answer.contains("{y}")) throw new IllegalArgumentException("the answer template needs {y}: " + answer);
    }

    public String zeroShot(String x) {
        return query.replace("{x}", x);
    }

    public String fewShot(List<Pair> demos, String x) {
        StringBuilder sb = new StringBuilder();
        for (Pair d : demos) sb.append(zeroShot(d.input())).append(answer(d.output())).append(end).append(separator);
        return sb.append(zeroShot(x)).toString();
    }

    /** The answer text that follows a prompt, without the end marker. */
    public String answer(String y) {
        return answer.replace("{y}", y);
    }
}
