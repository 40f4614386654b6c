package laai.kernel.eval;

import java.util.List;

/** Renders the source line that contains a diagnostic, with carets under the offending range. */
final class SourceMarker {

    private SourceMarker() {
    }

    /**
     * @param start first offending offset, or negative if unknown
     * @param end   offset after the offending range
     * @param pos   the offset javac points at; picks the line when the range spans several
     */
    static List<String> mark(String source, long start, long end, long pos) {
        long anchor = pos >= 0 ? pos : start;
        if (anchor < 0 || anchor > source.length()) {
            return List.of();
        }
        int at = (int) anchor;
        int lineStart = source.lastIndexOf('\n', at - 1) + 1;
        int lineEnd = source.indexOf('\n', at);
        if (lineEnd < 0) {
            lineEnd = source.length();
        }
        String line = source.substring(lineStart, lineEnd).stripTrailing();
        int from = (int) Math.max(lineStart, start >= 0 ? start : at) - lineStart;
        int to = (int) Math.min(lineEnd, Math.max(end, at + 1)) - lineStart;
        from = Math.min(from, line.length());
        to = Math.max(from + 1, Math.min(to, line.length()));
        // Keep tabs so the carets line up however the frontend renders them.
        String indent = line.substring(0, from).replaceAll("[^\t]", " ");
        return List.of(line, indent + "^".repeat(to - from));
    }
}
