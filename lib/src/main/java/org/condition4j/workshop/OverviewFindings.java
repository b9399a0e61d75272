package org.condition4j.workshop;

import org.condition4j.report.Format;
import org.condition4j.report.Markdown;
import org.condition4j.report.Sentences;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link NpuOverview} says, as sentences built from its rows ({@link Markdown}) for the
 * Ethos-U notebook: where the models run, what each technique saves and costs against the plain
 * int8 model, and how the configurations differ. Figures go through {@link Format}; a direction
 * ("significantly less accurate", "memory bound") is stated only where the figures decide it.
 */
public final class OverviewFindings {
    private OverviewFindings() {}

    /** The plain int8 model every technique is compared with. */
    static final String PLAIN = BaselineInt8.FILE_NAME.substring(0, BaselineInt8.FILE_NAME.length() - ".tflite".length());
    static final String FLOAT = "float_model";

    /** How many of each model's operators Vela put on the NPU, on every configuration of the overview. */
    public static Markdown npuShare(NpuOverview overview) {
        List<String> lines = new ArrayList<>();
        List<String> partly = new ArrayList<>();
        int int8Models = 0;
        for (NpuOverview.Row r : overview.rows()) {
            if (r.int8()) {
                int8Models++;
                r.vela().forEach((target, v) -> {
                    if (v.cpuOperators() > 0) {
                        partly.add(r.model() + " on " + target.accelerator() + " (" + operators(v) + ")");
                    }
                });
            }
        }
        if (int8Models > 0) {
            lines.add(partly.isEmpty()
                    ? (int8Models == 1 ? "The int8 model runs" : "All " + int8Models + " int8 models run")
                            + " every operator on the NPU, on every configuration."
                    : "Not all int8 operators run on the NPU: " + String.join(", ", partly) + ".");
        }
        for (NpuOverview.Row r : overview.rows()) {
            if (!r.int8()) {
                boolean none = r.vela().values().stream().allMatch(v -> v.npuOperators() == 0);
                java.util.Set<Integer> counts = new java.util.HashSet<>();
                r.vela().values().forEach(v -> counts.add(v.npuOperators() + v.cpuOperators()));
                if (none && counts.size() == 1) {
                    lines.add(r.model() + " runs none of its " + counts.iterator().next()
                            + " operators on the NPU, on any configuration.");
                } else {
                    lines.add(r.model() + (none ? " runs none of its operators on the NPU: " : " runs some operators on the NPU: ")
                            + String.join(", ", r.vela().entrySet().stream()
                            .map(e -> e.getKey().accelerator() + " " + operators(e.getValue())).toList()) + ".");
                }
            }
        }
        return Markdown.of(String.join(" ", lines));
    }

    private static String operators(VelaReport v) {
        return v.npuOperators() + " of " + (v.npuOperators() + v.cpuOperators()) + " operators on the NPU";
    }

    /**
     * One item per model against the plain int8 model on {@code target}: the plain model's size
     * against the float model's; for every other int8 model its zeros and distinct values in the
     * file, raw, gzip and NPU-encoded sizes with their ratios to plain int8's, and whether its int8
     * accuracy differs significantly from plain int8's (the McNemar test its notebook recorded).
     */
    public static Markdown techniques(NpuOverview overview, VelaTarget target) {
        Optional<NpuOverview.Row> plain = find(overview, PLAIN);
        Optional<NpuOverview.Row> floatRow = find(overview, FLOAT);
        if (plain.isEmpty()) {
            return Markdown.of("No plain int8 model (" + BaselineInt8.FILE_NAME + ") in this folder to compare the "
                    + "techniques with; run `01_post_training_quantization`.");
        }
        NpuOverview.Row p = plain.get();
        VelaReport pv = p.vela().get(target);
        List<String> lines = new ArrayList<>();
        floatRow.ifPresent(f -> lines.add("- **" + PLAIN + "**: " + Format.kilobytes(p.sizeBytes()) + ", "
                + Format.ratio((double) p.sizeBytes() / f.sizeBytes()) + " the size of " + FLOAT + " ("
                + Format.kilobytes(f.sizeBytes()) + ")."));
        for (NpuOverview.Row r : overview.rows()) {
            if (!r.int8() || r.model().equals(PLAIN)) {
                continue;
            }
            VelaReport v = r.vela().get(target);
            String line = "- **" + r.model() + "**: " + Format.percent(r.sparsity()) + " zeros, at most "
                    + Format.count(r.maxDistinctWeights()) + " distinct values per weight tensor; raw "
                    + Format.kilobytes(r.sizeBytes()) + " (" + Format.ratio((double) r.sizeBytes() / p.sizeBytes())
                    + "), gzip " + Format.kilobytes(r.gzipBytes()) + " (" + Format.ratio((double) r.gzipBytes() / p.gzipBytes())
                    + "), NPU-encoded weights " + Format.bytes(v.encodedWeightBytes()) + " ("
                    + Format.ratio((double) v.encodedWeightBytes() / pv.encodedWeightBytes()) + ")";
            double pValue = r.int8PValueVsBaselineInt8();
            if (!Double.isNaN(pValue) && !Double.isNaN(r.int8Accuracy()) && !Double.isNaN(p.int8Accuracy())) {
                double difference = r.int8Accuracy() - p.int8Accuracy();
                line += "; int8 accuracy " + Format.percent(r.int8Accuracy()) + " (" + Format.points(difference) + "): "
                        + Sentences.verdict(difference, pValue)
                        + " (" + Format.pValue(pValue) + ")";
            }
            lines.add(line + ".");
        }
        return Markdown.of(("Against " + PLAIN + " (ratios to its figures; NPU-encoded weights on "
                + target.accelerator() + ", plain int8's " + Format.bytes(pv.encodedWeightBytes()) + "):"), "",
                String.join("\n", lines));
    }

    /**
     * Per configuration, the int8 models' estimated inference times (fastest, slowest and their
     * ratio) and how many are memory bound; and on which configuration the models differ most.
     */
    public static Markdown acrossTargets(NpuOverview overview) {
        Map<VelaTarget, List<VelaReport>> byTarget = new LinkedHashMap<>();
        for (NpuOverview.Row r : overview.rows()) {
            if (r.int8()) {
                r.vela().forEach((t, v) -> byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(v));
            }
        }
        if (byTarget.isEmpty()) {
            return Markdown.of("No int8 model in this folder runs on the NPU.");
        }
        List<String> lines = new ArrayList<>();
        VelaTarget widest = null;
        double widestRatio = 0;
        for (Map.Entry<VelaTarget, List<VelaReport>> e : byTarget.entrySet()) {
            List<VelaReport> rs = e.getValue();
            VelaReport fastest = rs.stream().min(Comparator.comparingDouble(VelaReport::inferenceMillis)).orElseThrow();
            VelaReport slowest = rs.stream().max(Comparator.comparingDouble(VelaReport::inferenceMillis)).orElseThrow();
            double ratio = slowest.inferenceMillis() / fastest.inferenceMillis();
            long bound = rs.stream().filter(VelaReport::memoryBound).count();
            lines.add("- **" + e.getKey().accelerator() + "**: from " + Format.millis(fastest.inferenceMillis()) + " ("
                    + fastest.network() + ") to " + Format.millis(slowest.inferenceMillis()) + " (" + slowest.network()
                    + "), " + Format.ratio(ratio) + "; " + bound + " of " + rs.size() + " models memory bound.");
            if (ratio > widestRatio) {
                widestRatio = ratio;
                widest = e.getKey();
            }
        }
        if (byTarget.size() > 1) {
            lines.add("");
            lines.add("The models' times differ most on the " + widest.accelerator() + ".");
        }
        return Markdown.of(lines.toArray(String[]::new));
    }

    private static Optional<NpuOverview.Row> find(NpuOverview overview, String model) {
        return overview.rows().stream().filter(r -> r.model().equals(model)).findFirst();
    }
}
