package org.condition4j.report;

import org.condition4j.cluster.ClusterStatistics;
import org.condition4j.collab.Sweep;
import org.condition4j.runtime.LiteRtCrossCheck;
import org.condition4j.runtime.ModelComparison;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.PairedComparison;
import org.condition4j.vela.VelaReport;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a technique notebook's results say, as sentences built from them ({@link Markdown}): the
 * figures through {@link Format}, and a direction ("significantly less accurate", "fewer bytes than
 * any single technique") only where the figures decide it, so the prose beside a table never
 * contradicts it. Vela's views are in {@link NpuFindings}.
 */
public final class Findings {
    private Findings() {}

    /**
     * The centroid initialisations before fine-tuning: whether any start's accuracy differs from
     * the first's significantly (exact McNemar at {@link PairedComparison#ALPHA}), and the range of
     * k-means iterations.
     */
    public static Markdown initialisations(List<ClusterStatistics.Initialisation> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("No initialisations to describe");
        }
        ClusterStatistics.Initialisation first = results.get(0);
        Accuracy firstAccuracy = Accuracy.of(first.hits());
        List<String> differing = new ArrayList<>();
        for (ClusterStatistics.Initialisation r : results.subList(1, results.size())) {
            PairedComparison c = PairedComparison.of(first.hits(), r.hits());
            if (c.significant()) {
                differing.add(r.init() + " " + Sentences.verdict(c) + " ("
                        + Sentences.difference(Accuracy.of(r.hits()).value() - firstAccuracy.value(), c.pValue()) + ")");
            }
        }
        String accuracy = differing.isEmpty()
                ? "Before fine-tuning, no start differs significantly from " + first.init() + " (exact McNemar test at "
                        + "the 5 % level): after k-means the starts end up close to each other on this network."
                : "Before fine-tuning, against " + first.init() + " (exact McNemar test at the 5 % level): "
                        + String.join(", ", differing) + (differing.size() < results.size() - 1
                        ? "; no significant difference for the others" : "") + ". On this network it matters where "
                        + "k-means starts.";
        IntSummaryStatistics iterations = results.stream().mapToInt(ClusterStatistics.Initialisation::iterations)
                .summaryStatistics();
        String work = iterations.getMin() == iterations.getMax()
                ? "k-means needed " + Format.count(iterations.getMin()) + " iterations (summed over the layers) from every start."
                : "The starts differ in how much work k-means had to do: from " + Format.count(iterations.getMin())
                        + " iterations (" + initsWith(results, iterations.getMin()) + ") to "
                        + Format.count(iterations.getMax()) + " (" + initsWith(results, iterations.getMax())
                        + "), summed over the layers.";
        return Markdown.of(accuracy + " " + work);
    }

    private static String initsWith(List<ClusterStatistics.Initialisation> results, int iterations) {
        return String.join(", ", results.stream().filter(r -> r.iterations() == iterations)
                .map(r -> r.init().name()).toList());
    }

    /**
     * Model {@code other} against {@code reference} in {@code comparison}: int8 accuracies, their
     * difference and whether it is significant, raw and gzip sizes and whether gzip shrinks
     * {@code other} more.
     */
    public static Markdown versus(ModelComparison comparison, String reference, String other) {
        return versus(comparison.entry(reference), comparison.entry(other));
    }

    /** {@link #versus(ModelComparison, String, String)} of two entries measured on the same images. */
    static Markdown versus(ModelComparison.Entry a, ModelComparison.Entry b) {
        double gzipRatio = (double) b.gzipBytes() / a.gzipBytes();
        return Markdown.of(
                accuracyVersus(a, b),
                "",
                "Raw file " + Format.kilobytes(b.sizeBytes()) + " against " + Format.kilobytes(a.sizeBytes())
                        + "; gzip " + Format.kilobytes(b.gzipBytes()) + " against " + Format.kilobytes(a.gzipBytes())
                        + " (" + Format.ratio(gzipRatio) + ")"
                        + (b.gzipBytes() < a.gzipBytes()
                                ? ": gzip finds more repetition in " + b.name() + "."
                                : ": gzip finds no more repetition in " + b.name() + " than in " + a.name() + "."));
    }

    /**
     * "**other**: int8 accuracy 94.96 %, +2.32 points against reference on the same 10,000 test
     * images: significantly more accurate (p < 0.0001)".
     */
    static String accuracyVersus(ModelComparison.Entry reference, ModelComparison.Entry other) {
        PairedComparison c = PairedComparison.of(reference.evaluation().hits(), other.evaluation().hits());
        return "**" + other.name() + "**: int8 accuracy " + Format.percent(other.accuracy()) + ", "
                + Sentences.versus(c, reference.name()) + ".";
    }

    /**
     * The combined model against the reference and every single technique in {@code comparison},
     * with Vela's reports per model ({@code npu}, in the same target order for every model): its
     * accuracy against the reference's, and per target its NPU-encoded weights relative to the
     * reference's and to each single technique's, and whether it needs fewer than all of them.
     */
    public static Markdown collaborative(ModelComparison comparison, Map<String, List<VelaReport>> npu,
                                         String reference, String combined) {
        return collaborative(comparison.entry(reference), comparison.entry(combined), npu);
    }

    /** {@link #collaborative(ModelComparison, Map, String, String)} of two entries measured on the same images. */
    static Markdown collaborative(ModelComparison.Entry referenceEntry, ModelComparison.Entry combinedEntry,
                                  Map<String, List<VelaReport>> npu) {
        String reference = referenceEntry.name();
        String combined = combinedEntry.name();
        List<String> lines = new ArrayList<>();
        lines.add(accuracyVersus(referenceEntry, combinedEntry));
        lines.add("");
        List<VelaReport> referenceReports = npu.get(reference);
        List<VelaReport> combinedReports = npu.get(combined);
        if (referenceReports == null || combinedReports == null) {
            throw new IllegalArgumentException("No Vela reports of '" + reference + "' or '" + combined + "' in " + npu.keySet());
        }
        for (int t = 0; t < referenceReports.size(); t++) {
            VelaReport ref = referenceReports.get(t);
            VelaReport comb = combinedReports.get(t);
            Map<String, Long> singles = new LinkedHashMap<>();
            for (Map.Entry<String, List<VelaReport>> e : npu.entrySet()) {
                if (!e.getKey().equals(reference) && !e.getKey().equals(combined)) {
                    singles.put(e.getKey(), e.getValue().get(t).encodedWeightBytes());
                }
            }
            StringBuilder line = new StringBuilder("- **" + ref.target().accelerator() + "**: " + combined
                    + " needs " + Format.bytes(comb.encodedWeightBytes()) + " of NPU-encoded weights, "
                    + Format.ratio((double) comb.encodedWeightBytes() / ref.encodedWeightBytes()) + " " + reference
                    + "'s " + Format.bytes(ref.encodedWeightBytes()));
            if (singles.isEmpty()) {
                line.append(".");
            } else {
                List<String> ratios = new ArrayList<>();
                singles.forEach((name, bytes) -> ratios.add(name + " " + Format.ratio((double) bytes / ref.encodedWeightBytes())));
                line.append("; the single techniques: ").append(String.join(", ", ratios)).append(". ");
                List<String> smallerOrEqual = singles.entrySet().stream()
                        .filter(e -> e.getValue() <= comb.encodedWeightBytes()).map(Map.Entry::getKey).toList();
                line.append(smallerOrEqual.isEmpty()
                        ? "Combined, the techniques need fewer NPU-encoded weight bytes than any of them alone."
                        : "Not fewer than " + String.join(" or ", smallerOrEqual) + " alone.");
            }
            lines.add(line.toString());
        }
        return Markdown.of(lines.toArray(String[]::new));
    }

    /**
     * The sweep's PCQAT points against the same setting's PTQ point (exact McNemar at
     * {@link PairedComparison#ALPHA}: where PCQAT is significantly more accurate, where less, how
     * many settings show no significant difference), and every point against the reference model.
     */
    public static Markdown sweep(List<Sweep.Result> results, String reference, boolean[] referenceHits) {
        Map<Sweep.Point, Sweep.Result> byPoint = CollabReport.byPoint(results);
        List<String> better = new ArrayList<>();
        List<String> worse = new ArrayList<>();
        int settings = 0;
        for (Sweep.Result r : results) {
            Sweep.Point p = r.point();
            Sweep.Result ptq = CollabReport.ptqPartner(byPoint, p);
            if (ptq == null) {
                continue;
            }
            settings++;
            PairedComparison c = PairedComparison.of(ptq.hits(), r.hits());
            if (c.significant()) {
                String label = setting(p) + " (" + Sentences.difference(r.accuracy().value() - ptq.accuracy().value(),
                        c.pValue()) + ")";
                (Sentences.moreAccurate(c) ? better : worse).add(label);
            }
        }
        List<String> lines = new ArrayList<>();
        if (settings == 0) {
            lines.add("No setting of this sweep was quantized both ways, so PCQAT and PTQ cannot be compared here.");
        } else if (better.isEmpty() && worse.isEmpty()) {
            lines.add("PCQAT against PTQ of the same setting: no significant difference at "
                    + (settings == 1 ? "the one setting" : "any of the " + settings + " settings")
                    + " of this run (exact McNemar test at the 5 % level).");
        } else {
            StringBuilder s = new StringBuilder("PCQAT against PTQ of the same setting (exact McNemar test at the 5 % level):");
            if (!better.isEmpty()) {
                s.append(" PCQAT is significantly more accurate at ").append(String.join(", ", better)).append(".");
            }
            if (!worse.isEmpty()) {
                s.append(" PCQAT is significantly less accurate at ").append(String.join(", ", worse)).append(".");
            }
            int rest = settings - better.size() - worse.size();
            if (rest > 0) {
                s.append(" No significant difference at the other ").append(rest).append(rest == 1 ? " setting." : " settings.");
            }
            lines.add(s.toString());
        }
        lines.add("");
        List<String> below = new ArrayList<>();
        for (Sweep.Quantization q : Sweep.Quantization.values()) {
            List<Sweep.Result> some = results.stream().filter(r -> r.point().quantization() == q).toList();
            if (!some.isEmpty()) {
                long n = some.stream().filter(r -> Sentences.lessAccurate(PairedComparison.of(referenceHits, r.hits())))
                        .count();
                below.add(n + " of " + some.size() + " " + q + " points");
            }
        }
        Accuracy referenceAccuracy = Accuracy.of(referenceHits);
        Sweep.Result worst = results.stream().min(java.util.Comparator.comparingInt(Sweep.Result::correct)).orElseThrow();
        lines.add("Against " + reference + " at " + Format.percent(referenceAccuracy.value()) + ": "
                + String.join(" and ", below) + " are significantly less accurate; the least accurate point is "
                + worst.point().label() + " at " + Format.percent(worst.accuracy().value()) + " ("
                + Format.points(worst.accuracy().value() - referenceAccuracy.value()) + ").");
        return Markdown.of(lines.toArray(String[]::new));
    }

    /** A point's sparsity and clusters, without its quantization: "75 % / 16". */
    private static String setting(Sweep.Point p) {
        String label = p.label();
        return label.substring(0, label.lastIndexOf(" / "));
    }

    /**
     * The sweep's smallest point (fewest NPU-encoded weight bytes) at most {@code points}
     * percentage points below the reference model's accuracy, against the reference's Vela report
     * on the sweep's target ({@code referenceOnNpu}), or that no point is that accurate.
     */
    public static Markdown smallestWithin(List<Sweep.Result> results, ModelComparison.Entry reference,
                                          VelaReport referenceOnNpu, double points) {
        String margin = BigDecimal.valueOf(points).stripTrailingZeros().toPlainString() + " points";
        Optional<Sweep.Result> smallest = Sweep.smallestWithin(results, reference.accuracy(), points);
        if (smallest.isEmpty()) {
            return Markdown.of("No point of this sweep is within " + margin + " of " + reference.name() + "'s "
                    + Format.percent(reference.accuracy()) + ".");
        }
        Sweep.Result r = smallest.get();
        return Markdown.of("The smallest point within " + margin + " of " + reference.name() + "'s "
                + Format.percent(reference.accuracy()) + ": **" + r.point().label() + "**, int8 accuracy "
                + Format.accuracyWithInterval(r.accuracy()) + ", " + Format.bytes(r.encodedWeightBytes())
                + " of NPU-encoded weights, " + Format.ratio((double) r.encodedWeightBytes() / referenceOnNpu.encodedWeightBytes())
                + " " + reference.name() + "'s " + Format.bytes(referenceOnNpu.encodedWeightBytes()) + " on the "
                + referenceOnNpu.target().accelerator() + ".");
    }

    /**
     * The LiteRT cross-check of several files: whether every prediction agreed, how many int8
     * outputs were byte-identical and how far apart the others were, and the float outputs'
     * largest difference.
     */
    public static Markdown crossChecks(List<LiteRtCrossCheck.Result> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("No cross-checks to describe");
        }
        List<String> disagreeing = results.stream().filter(r -> r.samePrediction() < r.images())
                .map(r -> name(r) + " (" + Format.count(r.images() - r.samePrediction()) + " of " + Format.count(r.images())
                        + " images)").toList();
        List<String> lines = new ArrayList<>();
        lines.add(disagreeing.isEmpty()
                ? "All " + results.size() + " models predict the same class in LiteRT as in the TFLite 2.6 interpreter on every image."
                : "The predictions differ for " + String.join(", ", disagreeing) + "; the other models agree on every image.");
        List<LiteRtCrossCheck.Result> int8 = results.stream().filter(LiteRtCrossCheck.Result::int8Output).toList();
        if (!int8.isEmpty()) {
            long identical = int8.stream().mapToLong(LiteRtCrossCheck.Result::identical).sum();
            long outputs = int8.stream().mapToLong(LiteRtCrossCheck.Result::images).sum();
            long steps = Math.round(int8.stream().mapToDouble(LiteRtCrossCheck.Result::largestDifference).max().orElse(0));
            lines.add(identical == outputs
                    ? "Int8 outputs: byte-identical for every image of every int8 model."
                    : "Int8 outputs: byte-identical on " + Format.count(identical) + " of " + Format.count(outputs)
                            + " (" + int8.size() + " int8 models, each on its images); the others at most "
                            + Format.count(steps) + (steps == 1 ? " step" : " steps") + " apart.");
        }
        results.stream().filter(r -> !r.int8Output()).forEach(r -> lines.add("Float outputs of " + name(r)
                + ": largest difference " + String.format(Locale.ROOT, "%.1e", r.largestDifference()) + "."));
        return Markdown.of(String.join(" ", lines));
    }

    private static String name(LiteRtCrossCheck.Result r) {
        String file = r.model().getFileName().toString();
        return file.endsWith(".tflite") ? file.substring(0, file.length() - ".tflite".length()) : file;
    }
}
