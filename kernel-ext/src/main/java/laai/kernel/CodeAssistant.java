package laai.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;

import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;

/** Tab completion, is-complete checks and shift-tab docs, answered by JShell's source analysis. */
final class CodeAssistant {

    /** A magic name being typed at the start of a line: {@code %na} or {@code %%na}. */
    private static final Pattern MAGIC_PREFIX = Pattern.compile("(?m)^\\s*(%%?)(\\w*)$");

    private final SourceCodeAnalysis analysis;
    private final MagicsRegistry magics;

    CodeAssistant(SourceCodeAnalysis analysis, MagicsRegistry magics) {
        this.analysis = analysis;
        this.magics = magics;
    }

    ReplacementOptions complete(String code, int cursor) {
        Matcher magic = MAGIC_PREFIX.matcher(code.substring(0, cursor));
        if (magic.find() && magic.end() == cursor) {
            boolean cell = magic.group(1).length() == 2;
            Set<String> names = cell ? magics.getCellMagicNames() : magics.getLineMagicNames();
            List<String> options = names.stream().filter(n -> n.startsWith(magic.group(2))).sorted()
                    .collect(Collectors.toList());
            return new ReplacementOptions(options, magic.start(2), cursor);
        }
        int[] anchor = new int[1];
        Set<String> options = new TreeSet<>();
        for (Suggestion s : analysis.completionSuggestions(code, cursor, anchor)) {
            options.add(s.continuation());
        }
        return new ReplacementOptions(new ArrayList<>(options), anchor[0], cursor);
    }

    String isComplete(String code) {
        if (code.stripLeading().startsWith("%")) {
            return BaseKernel.IS_COMPLETE_YES; // magics are single lines or whole cells
        }
        String remaining = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            Completeness completeness = info.completeness();
            if (completeness == Completeness.EMPTY) {
                return BaseKernel.IS_COMPLETE_YES;
            }
            if (completeness == Completeness.DEFINITELY_INCOMPLETE) {
                return "    ";
            }
            if (completeness == Completeness.CONSIDERED_INCOMPLETE) {
                return BaseKernel.IS_COMPLETE_MAYBE;
            }
            if (completeness == Completeness.UNKNOWN) {
                return BaseKernel.IS_COMPLETE_BAD;
            }
            remaining = info.remaining();
        }
    }

    DisplayData inspect(String code, int cursor, boolean detail) {
        List<Documentation> docs = analysis.documentation(code, cursor, detail);
        if (docs.isEmpty()) {
            return null;
        }
        String text = docs.stream()
                .map(d -> d.javadoc() == null || d.javadoc().isBlank() ? d.signature() : d.signature() + "\n" + d.javadoc())
                .collect(Collectors.joining("\n\n"));
        return new DisplayData(text);
    }
}
