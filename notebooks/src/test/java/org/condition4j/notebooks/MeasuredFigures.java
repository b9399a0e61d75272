package org.condition4j.notebooks;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule that a Markdown cell states no measured figure. Weights differ by CPU and seed, and the
 * run parameters change what a notebook measures, so a figure typed into prose ("98.9 %",
 * "7.9 kB", "1.5×") is right for one run and stale for every other. A sentence that states a
 * figure is built by a code cell from the run's results ({@code Markdown.of(...)} with the figures
 * through {@code Format}); the kernel renders it as Markdown.
 *
 * <p>A <em>figure</em> is a number directly followed by a unit of something measured (see
 * {@link #UNITS}), e.g. "98.9 %", "39.74 kB", "1,077 images/s", "0.24x", "45-65 %", or a p-value
 * ("p = 0.011"). Numbers that are part of a name ("ethos-u55-128", "float32", "U85-2048"), of a
 * fraction ("1/255"), of a dimension ("28×28", "3x3") or of inline code ({@code `00_baseline`})
 * are not figures, nor is a number followed by anything else ("8-bit", "16 clusters", "32 filters").
 *
 * <p>A few fixed facts are stated in prose on purpose: run parameters and design constants.
 * {@link #ALLOWED} lists each as a literal phrase with the reason it cannot go stale; a figure is
 * allowed only inside an occurrence of one of those phrases.
 */
final class MeasuredFigures {

    /** A phrase that states a fixed fact, not a measurement, and why it is fixed. */
    record AllowedFact(String phrase, String why) {}

    /** The fixed facts prose may state. Keep it short: anything measured belongs in a code cell. */
    static final List<AllowedFact> ALLOWED = List.of(
            new AllowedFact("95 % interval",
                    "the confidence level of every accuracy's Wilson interval (stats.Accuracy.CONFIDENCE), chosen, not measured"),
            new AllowedFact("5 % level",
                    "the significance level of the exact McNemar test (stats.PairedComparison.ALPHA), chosen, not measured"),
            new AllowedFact("75 % target",
                    "the sparsity notebooks 03 and 05 prune to (PruningSchedule.constant(0.75), the setting of "
                            + "TensorFlow's pruning example; PruningCheck.TARGET_SPARSITY): a setting, not a result"),
            new AllowedFact("defaults: 5 epochs",
                    "the default of the run parameter EPOCHS (RunParameters.DEFAULTS), stated as the default"));

    /** Units of measured quantities; the alphabetic ones end at a word boundary. */
    static final String UNITS = String.join("|",
            // shares and differences of shares
            "%", "‰", "percentage points?", "percent", "per cent", "points?", "pts", "pp",
            // rates (before "images", "steps")
            "images/s", "images per second", "inferences/s", "inferences per second", "steps/s", "it/s", "fps",
            // sizes
            "KiB", "MiB", "GiB", "kB", "KB", "MB", "GB", "kilobytes?", "megabytes?", "bytes?", "bits?", "B",
            // times
            "ns", "µs", "μs", "us", "ms", "seconds?", "secs?", "s", "minutes?", "mins?", "hours?", "h",
            // counts of work
            "cycles?", "steps?", "epochs?", "iterations?", "images?",
            // ratios: "0.24×", "4.3x", "3 times smaller" (not a dimension such as 28×28 or 3 x 3)
            "×(?!\\h*\\d)", "x(?!\\h*\\d)",
            "times (?:smaller|larger|bigger|faster|slower|more|fewer|less|as)");

    /** A number: with thousands separators ("10,000", "1,077.5") or without ("98.9", ".5", "2017"). */
    private static final String NUMBER = "(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)";

    /** Not part of a name ("float32", "U55-128"), a decimal or a fraction ("1/255"). */
    private static final String START = "(?<![\\p{L}\\p{N}_.,/])(?<![\\p{L}\\p{N}][-‑–])";

    private static final Pattern FIGURE = Pattern.compile(START
            + "(?<range>[+±−-]?" + NUMBER + "\\h*(?:-|–|to|…)\\h*)?"
            + "(?<figure>[+±−-]?" + NUMBER + "\\h*(?:\\R\\h*)?(?:" + UNITS + ")(?![\\p{L}\\p{N}_]))");

    /** A p-value stated as a number: "p = 0.011", "p < 0.0001". */
    private static final Pattern P_VALUE = Pattern.compile(
            "(?<![\\p{L}\\p{N}_])(?<figure>p\\h*(?:=|<|>|≤|≥)\\h*" + NUMBER + ")");

    /** Inline code spans and fenced code blocks: code, not prose. */
    private static final Pattern CODE = Pattern.compile("```.*?```|`[^`\\n]*`", Pattern.DOTALL);

    private MeasuredFigures() {}

    /** One measured figure in a Markdown cell. */
    record Finding(String notebook, int cell, String firstLine, String phrase, String context) {
        @Override
        public String toString() {
            return notebook + ", Markdown cell " + cell + " (\"" + firstLine + "\"): \"" + phrase + "\" in \"…" + context + "…\"";
        }
    }

    /** The measured figures in one Markdown text that no allowed fact covers, as written there. */
    static List<String> in(String markdown) {
        return spans(markdown, true).stream().map(s -> markdown.substring(s[0], s[1])).toList();
    }

    /** Every figure in the text, allowed or not: what the rule would report without {@link #ALLOWED}. */
    static List<String> ignoringAllowed(String markdown) {
        return spans(markdown, false).stream().map(s -> markdown.substring(s[0], s[1])).toList();
    }

    /** Throws an assertion error naming every measured figure in the notebook's Markdown cells. */
    static void check(String name, JsonNode notebook) {
        List<Finding> findings = inNotebook(name, notebook);
        if (!findings.isEmpty()) {
            throw new AssertionError(message(findings));
        }
    }

    /** Start and end of each offending phrase (a range's first number included). */
    private static List<int[]> spans(String markdown, boolean applyAllowed) {
        String prose = blankCode(markdown);
        List<int[]> found = new ArrayList<>();
        for (Pattern pattern : List.of(FIGURE, P_VALUE)) {
            Matcher m = pattern.matcher(prose);
            while (m.find()) {
                if (!applyAllowed || !allowed(prose, m.start("figure"), m.end("figure"))) {
                    found.add(new int[] {m.start(), m.end()});
                }
            }
        }
        found.sort((a, b) -> Integer.compare(a[0], b[0]));
        return found;
    }

    /** Every measured figure in the notebook's Markdown cells (cell numbers count from 0, all cells). */
    static List<Finding> inNotebook(String name, JsonNode notebook) {
        List<Finding> findings = new ArrayList<>();
        JsonNode cells = notebook.path("cells");
        for (int i = 0; i < cells.size(); i++) {
            JsonNode cell = cells.get(i);
            if (!"markdown".equals(cell.path("cell_type").asText())) {
                continue;
            }
            String text = ExecutedNotebook.text(cell.path("source"));
            String firstLine = text.strip().lines().findFirst().orElse("");
            for (int[] span : spans(text, true)) {
                String context = text.substring(Math.max(0, span[0] - 40), Math.min(text.length(), span[1] + 20))
                        .replaceAll("\\s+", " ");
                findings.add(new Finding(name, i, firstLine, text.substring(span[0], span[1]).replaceAll("\\s+", " "),
                        context));
            }
        }
        return findings;
    }

    /** The failure message for {@code findings}: where each is and what to do about it. */
    static String message(List<Finding> findings) {
        StringBuilder message = new StringBuilder("Markdown cells state measured figures, which go stale as soon as a "
                + "run differs (CPU, seed, run parameters). Build each such sentence in a code cell from the run's "
                + "results, e.g. Markdown.of(\"The int8 file is \" + Format.kilobytes(bytes) + \".\") with the "
                + "figures through Format, or drop the figure. Only a fixed fact (a run parameter's default, a design "
                + "constant) may stay, listed with its reason in MeasuredFigures.ALLOWED:");
        findings.forEach(f -> message.append("\n  ").append(f));
        return message.toString();
    }

    /** Whether [start, end) lies inside an occurrence of an allowed phrase that stands on its own. */
    private static boolean allowed(String prose, int start, int end) {
        for (AllowedFact fact : ALLOWED) {
            String phrase = fact.phrase();
            for (int at = prose.indexOf(phrase, Math.max(0, end - phrase.length())); at >= 0 && at <= start;
                 at = prose.indexOf(phrase, at + 1)) {
                int after = at + phrase.length();
                boolean standsAlone = (at == 0 || !isNumberOrWord(prose.charAt(at - 1)))
                        && (after == prose.length() || !Character.isLetterOrDigit(prose.charAt(after)));
                if (standsAlone && after >= end) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isNumberOrWord(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == ',' || c == '_';
    }

    /** The text with code replaced by spaces, so that offsets stay those of the original. */
    private static String blankCode(String markdown) {
        StringBuilder prose = new StringBuilder(markdown);
        Matcher code = CODE.matcher(markdown);
        while (code.find()) {
            for (int i = code.start(); i < code.end(); i++) {
                if (prose.charAt(i) != '\n') {
                    prose.setCharAt(i, ' ');
                }
            }
        }
        return prose.toString();
    }
}
