package laai.cli;

import laai.model.Generator;
import laai.model.DecoderModel;
import laai.model.TextTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", description = "Greedy decoding with the key-value cache.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptOptions prompt;

    @Option(names = "--max-new-tokens", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Override
    public Integer call() {
        try (DecoderModel model = options.load(); TextTokenizer tokenizer = TextTokenizer.load(options.model)) {
            long[] ids = prompt.ids(tokenizer, model.config().vocabSize());
            long[] generated = new Generator(model).greedy(new long[][] {ids}, maxNewTokens, tokenizer::isEos, null)[0];
            long[] all = new long[ids.length + generated.length];
            System.arraycopy(ids, 0, all, 0, ids.length);
            System.arraycopy(generated, 0, all, ids.length, generated.length);
            String text = tokenizer.decode(all);
            if (options.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ids", all);
                out.put("text", text);
                Json.print(out);
            } else {
                System.out.println(text);
            }
        }
        return 0;
    }
}
