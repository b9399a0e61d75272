package org.condition4j.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.condition4j.report.Format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An executed notebook's outputs, as nbclient wrote them. */
record ExecutedNotebook(JsonNode json) {

    static ExecutedNotebook read(Path file) throws IOException {
        return new ExecutedNotebook(new ObjectMapper().readTree(file.toFile()));
    }

    /** How many outputs carry {@code mimeType} (e.g. "image/png", "text/html"). */
    long count(String mimeType) {
        long n = 0;
        for (JsonNode cell : json.path("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                if (output.path("data").has(mimeType)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The notebook's title: its first level-one Markdown heading ("# ..."), or "" if it has none. */
    String title() {
        for (JsonNode cell : json.path("cells")) {
            if (cell.path("cell_type").asText().equals("markdown")) {
                for (String line : text(cell.path("source")).split("\n")) {
                    if (line.startsWith("# ")) {
                        return line.substring(2).strip();
                    }
                }
            }
        }
        return "";
    }

    private static final Pattern CELL = Pattern.compile("<t[dh][^>]*>([^<]*)</t[dh]>");
    private static final Pattern DECIMAL = Pattern.compile("\\d[\\d,]*\\.\\d+");
    private static final Pattern PROGRESS = Pattern.compile("^epoch \\d+/\\d+ \\[");

    /**
     * Decimal numbers in the notebook's HTML tables written more precisely than {@link Format} writes
     * any figure: more than {@link Format#DECIMALS} decimals and more than
     * {@link Format#SIGNIFICANT_DIGITS} significant digits. Whole numbers are exact counts ("120,998"),
     * never over-precise; an unformatted double ("0.98912345") is.
     */
    List<String> overPreciseTableNumbers() {
        List<String> found = new ArrayList<>();
        for (JsonNode cell : json.path("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                Matcher td = CELL.matcher(text(output.path("data").path("text/html")));
                while (td.find()) {
                    Matcher number = DECIMAL.matcher(td.group(1));
                    while (number.find()) {
                        if (overPrecise(number.group())) {
                            found.add(number.group() + " in \"" + td.group(1).strip() + "\"");
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Whether a decimal as written ("1,234.57", "0.0001235") has more digits than any format gives. */
    static boolean overPrecise(String decimal) {
        int decimals = decimal.length() - decimal.indexOf('.') - 1;
        String significant = decimal.replace(",", "").replace(".", "").replaceFirst("^0+", "");
        return decimals > Format.DECIMALS && significant.length() > Format.SIGNIFICANT_DIGITS;
    }

    private static final Pattern TABLE = Pattern.compile("<table.*?</table>", Pattern.DOTALL);
    private static final Pattern HEADER = Pattern.compile("<th[^>]*>([^<]*)</th>");
    private static final Pattern ROW = Pattern.compile("<tr");

    /** One HTML table a notebook showed: its column headers and how many data rows it has. */
    record HtmlTable(List<String> headers, int rows) {}

    /** Every HTML table in the notebook's outputs. */
    List<HtmlTable> tables() {
        List<HtmlTable> tables = new ArrayList<>();
        for (JsonNode cell : json.path("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                Matcher table = TABLE.matcher(text(output.path("data").path("text/html")));
                while (table.find()) {
                    List<String> headers = new ArrayList<>();
                    Matcher th = HEADER.matcher(table.group());
                    while (th.find()) {
                        headers.add(th.group(1).strip());
                    }
                    int rows = 0;
                    Matcher tr = ROW.matcher(table.group());
                    while (tr.find()) {
                        rows++;
                    }
                    tables.add(new HtmlTable(headers, rows - 1));
                }
            }
        }
        return tables;
    }

    /**
     * The most training-progress lines ("epoch 1/5 [====> ...") any one code cell shows, each
     * line as Jupyter displays it (a carriage return starts the line over).
     */
    int maxProgressLinesPerCell() {
        int max = 0;
        for (JsonNode cell : json.path("cells")) {
            int lines = 0;
            for (JsonNode output : cell.path("outputs")) {
                if ("stream".equals(output.path("output_type").asText())) {
                    for (String line : text(output.path("text")).split("\n")) {
                        String shown = line.substring(line.lastIndexOf('\r') + 1);
                        if (PROGRESS.matcher(shown).find()) {
                            lines++;
                        }
                    }
                }
            }
            max = Math.max(max, lines);
        }
        return max;
    }

    /** Notebook text fields are a string or a list of lines. */
    static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder joined = new StringBuilder();
            node.forEach(line -> joined.append(line.asText()));
            return joined.toString();
        }
        return node.asText();
    }

    /** The verdicts of the exercise check cells (cells calling {@code Exercises.}), as the notebook shows them. */
    List<String> exerciseVerdicts() {
        List<String> verdicts = new ArrayList<>();
        for (JsonNode cell : json.path("cells")) {
            if (text(cell.path("source")).startsWith("Exercises.")) {
                StringBuilder shown = new StringBuilder();
                for (JsonNode output : cell.path("outputs")) {
                    shown.append(text(output.path("data").path("text/plain")));
                }
                verdicts.add(shown.toString());
            }
        }
        return verdicts;
    }

    /** All text the notebook printed (stream outputs), joined. */
    String printedText() {
        StringBuilder text = new StringBuilder();
        for (JsonNode cell : json.path("cells")) {
            for (JsonNode output : cell.path("outputs")) {
                if ("stream".equals(output.path("output_type").asText())) {
                    JsonNode t = output.path("text");
                    if (t.isArray()) {
                        t.forEach(line -> text.append(line.asText()));
                    } else {
                        text.append(t.asText());
                    }
                }
            }
        }
        return text.toString();
    }
}
