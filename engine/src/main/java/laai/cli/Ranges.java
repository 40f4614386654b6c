package laai.cli;

import java.util.ArrayList;
import java.util.List;

/** "0-5", "1,3,5" or "0-3,8" as a list of integers. */
public final class Ranges {
    private Ranges() {}

    public static int[] parse(String spec) {
        List<Integer> out = new ArrayList<>();
        try {
            for (String part : spec.split(",")) {
                String p = part.strip();
                int dash = p.indexOf('-', 1);
                if (dash > 0) {
                    int from = Integer.parseInt(p.substring(0, dash).strip()), to = Integer.parseInt(p.substring(dash + 1).strip());
                    if (to < from) throw new IllegalArgumentException("empty range '" + p + "'");
                    for (int i = from; i <= to; i++) out.add(i);
                } else {
                    out.add(Integer.parseInt(p));
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a list of layers: '" + spec + "' (e.g. 0-5 or 1,3,5)");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
