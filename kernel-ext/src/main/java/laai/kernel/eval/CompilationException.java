package laai.kernel.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;

/** A snippet did not compile; the report shows each diagnostic under the offending source line. */
public final class CompilationException extends CellFailure {

    private final List<String> report;

    private CompilationException(String message, List<String> report) {
        super(message);
        this.report = report;
    }

    @Override
    public List<String> report() {
        return report;
    }

    static CompilationException rejected(JShell shell, Snippet snippet) {
        List<Diag> errors = shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
        if (errors.isEmpty() && snippet instanceof DeclarationSnippet) {
            return unresolved(shell, (DeclarationSnippet) snippet);
        }
        List<String> report = new ArrayList<>();
        for (Diag diag : errors) {
            report.addAll(List.of(diag.getMessage(Locale.ROOT).split("\\R")));
            for (String line : SourceMarker.mark(snippet.source(), diag.getStartPosition(), diag.getEndPosition(),
                    diag.getPosition())) {
                report.add("    " + line);
            }
        }
        String message = errors.isEmpty()
                ? "the snippet was rejected: " + snippet.source().strip()
                : firstLine(errors.get(0).getMessage(Locale.ROOT));
        if (report.isEmpty()) {
            report.add(message);
        }
        return new CompilationException(message, report);
    }

    static CompilationException unresolved(JShell shell, DeclarationSnippet snippet) {
        String names = shell.unresolvedDependencies(snippet).collect(Collectors.joining(", "));
        String message = snippet.name() + " refers to undefined symbols: " + names;
        return new CompilationException(message, List.of(message));
    }

    static CompilationException incomplete(String source) {
        String message = "incomplete code (unclosed block, string or comment?)";
        List<String> report = new ArrayList<>();
        report.add(message + ":");
        source.strip().lines().limit(5).forEach(line -> report.add("    " + line));
        return new CompilationException(message, report);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
