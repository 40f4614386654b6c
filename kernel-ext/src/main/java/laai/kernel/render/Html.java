package laai.kernel.render;

import java.util.regex.Pattern;

/** The little HTML the renderers need: escaping, and a crude text fallback for HTML snippets. */
public final class Html {

    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private Html() {
    }

    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }

    /** For the text/plain alternative of HTML output (nbconvert to text, consoles). */
    public static String toPlainText(String html) {
        return TAG.matcher(html).replaceAll("")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&nbsp;", " ").replace("&amp;", "&")
                .strip();
    }
}
