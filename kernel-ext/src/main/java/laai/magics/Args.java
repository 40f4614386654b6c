package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import laai.cli.Ranges;
import laai.kernel.MagicUsage;
import laai.kernel.MagicUsageException;

/**
 * A magic's parsed arguments with typed access. Every problem (unknown option, missing value, a
 * word where a number belongs) becomes a {@link MagicUsageException} that names the option and
 * shows the magic's usage, so a typo never surfaces as a stack trace.
 */
final class Args {

    private final Syntax syntax;
    private final Map<String, List<String>> values;

    private Args(Syntax syntax, Map<String, List<String>> values) {
        this.syntax = syntax;
        this.values = values;
    }

    static Args parse(Syntax syntax, List<String> raw) {
        List<String> rewritten = new ArrayList<>(raw.size());
        for (String arg : raw) {
            // MagicsArgs has no value-less long options; a declared switch becomes --name=true.
            boolean isSwitch = arg.startsWith("--") && syntax.switches().contains(arg.substring(2));
            rewritten.add(isSwitch ? arg + "=true" : arg);
        }
        return new Args(syntax, MagicUsage.parseWithUsage(syntax.usageWithHint(), syntax.schema(), rewritten));
    }

    boolean has(String name) {
        List<String> v = values.get(name);
        return v != null && !v.isEmpty();
    }

    boolean isSet(String switchName) {
        return has(switchName);
    }

    String string(String name, String fallback) {
        return has(name) ? values.get(name).get(0) : fallback;
    }

    String required(String name) {
        if (!has(name)) {
            throw problem(describe(name) + " is required");
        }
        return values.get(name).get(0);
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    String choice(String name, String fallback, List<String> choices) {
        String value = string(name, fallback);
        if (value == null) {
            throw problem(describe(name) + " is required (" + String.join(" or ", choices) + ")");
        }
        String v = value.toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw problem(describe(name) + ": expected " + String.join(" or ", choices) + ", got '" + value + "'");
        }
        return v;
    }

    int integer(String name, int fallback) {
        return has(name) ? parseInt(name, values.get(name).get(0)) : fallback;
    }

    int requiredInteger(String name) {
        return parseInt(name, required(name));
    }

    long longValue(String name, long fallback) {
        if (!has(name)) {
            return fallback;
        }
        String v = values.get(name).get(0);
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw problem(describe(name) + ": expected an integer, got '" + v + "'");
        }
    }

    double number(String name, double fallback) {
        return has(name) ? parseDouble(name, values.get(name).get(0)) : fallback;
    }

    /** A comma-separated list of numbers, e.g. {@code 0,0.001,0.01}. */
    double[] numbers(String name, double[] fallback) {
        if (!has(name)) {
            return fallback;
        }
        String[] parts = values.get(name).get(0).split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parseDouble(name, parts[i]);
        }
        return out;
    }

    /** Integers as a list or ranges: {@code 5}, {@code 1,2,5}, {@code 0-5}, {@code 0-3,8}. */
    int[] integers(String name, int[] fallback) {
        if (!has(name)) {
            return fallback;
        }
        String spec = values.get(name).get(0);
        try {
            return Ranges.parse(spec);
        } catch (IllegalArgumentException e) {
            throw problem(describe(name) + ": expected integers such as 5, 1,2,5 or 0-5, got '" + spec + "'");
        }
    }

    long[] longs(String name, long[] fallback) {
        int[] ints = integers(name, null);
        if (ints == null) {
            return fallback;
        }
        long[] out = new long[ints.length];
        for (int i = 0; i < ints.length; i++) {
            out[i] = ints[i];
        }
        return out;
    }

    /** A usage error about this magic's arguments. */
    MagicUsageException problem(String message) {
        return new MagicUsageException(syntax.usageWithHint() + System.lineSeparator() + message);
    }

    private int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw problem(describe(name) + ": expected an integer, got '" + v + "'");
        }
    }

    private double parseDouble(String name, String v) {
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw problem(describe(name) + ": expected a number, got '" + v + "'");
        }
        if (!Double.isFinite(d)) {
            throw problem(describe(name) + ": expected a finite number, got '" + v + "'");
        }
        return d;
    }

    /** Positional arguments by their name (DIR), options as written (--layer). */
    private String describe(String name) {
        return name.equals(name.toUpperCase(Locale.ROOT)) ? name : "--" + name;
    }
}
