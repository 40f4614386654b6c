package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import laai.kernel.MagicUsageException;

/**
 * Replaces {@code {expr}} in magic arguments with the value of the Java expression {@code expr},
 * as IPython does for its line magics. A notebook then keeps its settings in one Java cell
 * ({@code String MODEL = "models/demo"; int LAYER = 1;}) and its magics read them
 * ({@code %model load {MODEL}}), so running on another checkpoint changes that one cell.
 * An expression must not contain spaces: the magic's arguments are split on whitespace first.
 */
final class ArgumentExpander {

    private static final Pattern EXPRESSION = Pattern.compile("\\{([^{}\\s]+)}");

    private ArgumentExpander() {
    }

    static List<String> expand(List<String> args, Host host) {
        List<String> out = new ArrayList<>(args.size());
        for (String arg : args) {
            out.add(expand(arg, host));
        }
        return out;
    }

    private static String expand(String arg, Host host) {
        Matcher m = EXPRESSION.matcher(arg);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String expression = m.group(1);
            Object value;
            try {
                value = host.eval(expression);
            } catch (Exception | LinkageError e) {
                throw new MagicUsageException("cannot evaluate {" + expression + "} in the magic's arguments: "
                        + firstLine(e.getMessage() != null ? e.getMessage() : e.toString()));
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf(value)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
