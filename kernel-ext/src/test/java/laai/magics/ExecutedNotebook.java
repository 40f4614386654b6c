package laai.magics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * An executed notebook (nbformat 4) and what the reproduction check reads from it: error outputs,
 * the tables and images of the cells tagged {@code table} and {@code plot} (each metric of a tagged
 * table with its interval), and every HTML table.
 */
final class ExecutedNotebook {

    static final String TABLE_TAG = "table";
    static final String PLOT_TAG = "plot";

    private static final Pattern TABLE = Pattern.compile("<table class=\"laai-table\">(.*?)</table>", Pattern.DOTALL);
    private static final Pattern CAPTION = Pattern.compile("<caption>(.*?)</caption>", Pattern.DOTALL);
    private static final Pattern HEADER = Pattern.compile("<th[^>]*>(.*?)</th>", Pattern.DOTALL);
    private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td>(.*?)</td>", Pattern.DOTALL);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};

    /** One HTML table as the kernel's TableHtml writes it. */
    record HtmlTable(String caption, List<String> columns, List<List<String>> rows) {

        /** The value of {@code column} in the first row whose first column is {@code key}. */
        Double value(String key, String column) {
            int c = columns.indexOf(column);
            for (List<String> row : rows) {
                if (c >= 0 && row.get(0).equals(key)) {
                    return number(row.get(c));
                }
            }
            return null;
        }

        boolean hasNumber() {
            return rows.stream().flatMap(List::stream).anyMatch(v -> number(v) != null);
        }

        /** The first of exact match, first-token accuracy and KL shown with a number but without its interval. */
        Optional<String> metricWithoutInterval() {
            for (String metric : METRICS) {
                int c = columns.indexOf(metric);
                if (c < 0) {
                    continue;
                }
                for (List<String> row : rows) {
                    String v = row.get(c);
                    if (number(v) != null && !v.contains(" [")) {
                        return Optional.of(metric + " " + v + " in row " + row.get(0));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** The metrics every table shows with their 95 % interval (issue 17). */
    private static final List<String> METRICS = List.of("exact_match", "first_token_acc", "kl");

    private final String name;
    private final JsonArray cells;

    private ExecutedNotebook(String name, JsonArray cells) {
        this.name = name;
        this.cells = cells;
    }

    static ExecutedNotebook read(Path file) throws Exception {
        JsonObject nb = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        return new ExecutedNotebook(file.getFileName().toString(), nb.getAsJsonArray("cells"));
    }

    /** Everything that is wrong: errors, tagged cells without their table or image. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        int tables = 0, plots = 0;
        for (int i = 0; i < cells.size(); i++) {
            JsonObject cell = cells.get(i).getAsJsonObject();
            if (!cell.get("cell_type").getAsString().equals("code")) {
                continue;
            }
            String where = name + " cell " + i + " (" + firstLine(text(cell.get("source"))) + ")";
            JsonArray outputs = cell.getAsJsonArray("outputs");
            for (JsonElement o : outputs) {
                JsonObject output = o.getAsJsonObject();
                if (output.get("output_type").getAsString().equals("error")) {
                    problems.add(where + ": error output " + output.get("ename").getAsString() + ": "
                            + output.get("evalue").getAsString());
                }
            }
            List<String> tags = tags(cell);
            if (tags.contains(TABLE_TAG)) {
                tables++;
                if (tablesIn(outputs).stream().noneMatch(HtmlTable::hasNumber)) {
                    problems.add(where + ": no table with numbers");
                }
                tablesIn(outputs).forEach(t -> t.metricWithoutInterval()
                        .ifPresent(m -> problems.add(where + ": " + m + " without its interval")));
            }
            if (tags.contains(PLOT_TAG)) {
                plots++;
                if (!hasPng(outputs)) {
                    problems.add(where + ": no image");
                }
            }
        }
        if (tables == 0 || plots == 0) {
            problems.add(name + ": expected cells tagged 'table' and 'plot', found " + tables + " and " + plots);
        }
        return problems;
    }

    /** Every laai table in the notebook's outputs, in order. */
    List<HtmlTable> tables() {
        List<HtmlTable> tables = new ArrayList<>();
        for (JsonElement c : cells) {
            JsonObject cell = c.getAsJsonObject();
            if (cell.has("outputs")) {
                tables.addAll(tablesIn(cell.getAsJsonArray("outputs")));
            }
        }
        return tables;
    }

    private static List<HtmlTable> tablesIn(JsonArray outputs) {
        List<HtmlTable> tables = new ArrayList<>();
        for (JsonElement o : outputs) {
            JsonObject data = o.getAsJsonObject().getAsJsonObject("data");
            if (data == null || !data.has("text/html")) {
                continue;
            }
            Matcher t = TABLE.matcher(text(data.get("text/html")));
            while (t.find()) {
                tables.add(parse(t.group(1)));
            }
        }
        return tables;
    }

    private static HtmlTable parse(String html) {
        Matcher caption = CAPTION.matcher(html);
        List<String> columns = new ArrayList<>();
        Matcher th = HEADER.matcher(html);
        while (th.find()) {
            columns.add(unescape(th.group(1)));
        }
        List<List<String>> rows = new ArrayList<>();
        Matcher tr = ROW.matcher(html);
        while (tr.find()) {
            List<String> row = new ArrayList<>();
            Matcher td = CELL.matcher(tr.group(1));
            while (td.find()) {
                row.add(unescape(td.group(1)));
            }
            if (!row.isEmpty()) {
                rows.add(row);
            }
        }
        return new HtmlTable(caption.find() ? unescape(caption.group(1)) : "", columns, rows);
    }

    private static boolean hasPng(JsonArray outputs) {
        for (JsonElement o : outputs) {
            JsonObject data = o.getAsJsonObject().getAsJsonObject("data");
            if (data != null && data.has("image/png")) {
                byte[] png = Base64.getMimeDecoder().decode(text(data.get("image/png")));
                if (png.length > 100 && java.util.Arrays.equals(java.util.Arrays.copyOf(png, 4), PNG_SIGNATURE)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> tags(JsonObject cell) {
        List<String> tags = new ArrayList<>();
        JsonObject meta = cell.getAsJsonObject("metadata");
        if (meta != null && meta.has("tags")) {
            meta.getAsJsonArray("tags").forEach(t -> tags.add(t.getAsString()));
        }
        return tags;
    }

    /** A cell's number; a value with its interval, "0.84 [0.74, 0.92]", reads as its value. */
    static Double number(String s) {
        int interval = s.indexOf(" [");
        try {
            double d = Double.parseDouble((interval >= 0 ? s.substring(0, interval) : s).strip());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** nbformat stores text as a string or a list of lines. */
    static String text(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "";
        }
        if (e.isJsonArray()) {
            StringBuilder s = new StringBuilder();
            e.getAsJsonArray().forEach(p -> s.append(p.getAsString()));
            return s.toString();
        }
        return e.getAsString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
