package org.condition4j.report;

import org.condition4j.collab.Sweep;
import org.condition4j.io.FileSizes;
import org.condition4j.runtime.ModelComparison;
import org.condition4j.stats.Accuracy;
import org.condition4j.stats.PairedComparison;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Tables and charts of collaborative optimization: int8 models compared on accuracy, on what
 * their files hold and on Vela's NPU figures, and the sweep over sparsity and clusters.
 */
public final class CollabReport {
    private CollabReport() {}

    /** How far below the baseline's int8 accuracy {@link #sweepChart} looks for the smallest model, in points. */
    public static final double MARGIN_POINTS = 0.5;

    /**
     * One row per compared model: int8 accuracy with its interval and whether it differs from the
     * first model's (exact McNemar), sparsity and the most distinct values in one output channel
     * counted in the file, gzip size, and for each target Vela's NPU-encoded weights, flash,
     * cycles and inference time. {@code vela} holds each model's reports, in target order.
     */
    public static Table comparison(ModelComparison comparison, Map<String, List<VelaReport>> vela) {
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        comparison.entries().forEach(e -> hits.put(e.name(), e.evaluation().hits()));
        Table table = Tables.accuracies("int8 models on " + Format.count(comparison.images())
                + " test images (LiteRT) and on the NPU (Vela)", hits);
        table.column(1).setName("int8 accuracy %");
        DoubleColumn sparsity = DoubleColumn.create("sparsity % (file)");
        IntColumn distinct = IntColumn.create("distinct per channel (file, max)");
        DoubleColumn gzip = DoubleColumn.create("gzip kB");
        List<VelaTarget> targets = vela.values().iterator().next().stream().map(VelaReport::target).toList();
        List<DoubleColumn> sizes = new ArrayList<>();
        List<LongColumn> cycles = new ArrayList<>();
        List<DoubleColumn> times = new ArrayList<>();
        for (VelaTarget target : targets) {
            String name = target.accelerator();
            sizes.addAll(List.of(DoubleColumn.create(name + " encoded weights kB"), DoubleColumn.create(name + " flash kB")));
            cycles.add(LongColumn.create(name + " cycles"));
            times.add(DoubleColumn.create(name + " inference ms"));
        }
        for (ModelComparison.Entry e : comparison.entries()) {
            WeightStatistics weights = TfliteModel.read(e.file()).weightStatistics();
            sparsity.append(100 * weights.overallSparsity());
            distinct.append(maxPerChannel(weights));
            gzip.append(FileSizes.kilobytes(e.gzipBytes()));
            List<VelaReport> reports = vela.get(e.name());
            if (reports == null || reports.size() != targets.size()) {
                throw new IllegalArgumentException("No Vela reports for " + targets + " of '" + e.name() + "'");
            }
            for (int t = 0; t < targets.size(); t++) {
                VelaReport r = reports.get(t);
                sizes.get(2 * t).append(FileSizes.kilobytes(r.encodedWeightBytes()));
                sizes.get(2 * t + 1).append(FileSizes.kilobytesOfKiB(r.offChipFlashKiB()));
                cycles.get(t).append(r.totalCycles());
                times.get(t).append(r.inferenceMillis());
            }
        }
        // added once filled: Tablesaw pads a column added empty to the table's rows
        table.addColumns(sparsity, distinct, gzip);
        for (int t = 0; t < targets.size(); t++) {
            table.addColumns(sizes.get(2 * t), sizes.get(2 * t + 1), cycles.get(t), times.get(t));
        }
        return table;
    }

    /** Accuracy bars with their intervals beside the NPU-encoded weights per target. */
    public static BufferedImage comparisonChart(ModelComparison comparison, Map<String, List<VelaReport>> vela) {
        List<String> names = new ArrayList<>();
        List<Accuracy> accuracies = new ArrayList<>();
        Map<String, List<Double>> encoded = new LinkedHashMap<>();
        for (ModelComparison.Entry e : comparison.entries()) {
            names.add(e.name());
            accuracies.add(e.evaluation().accuracyWithInterval());
            for (VelaReport r : vela.get(e.name())) {
                encoded.computeIfAbsent(r.target().accelerator(), k -> new ArrayList<>())
                        .add(FileSizes.kilobytes(r.encodedWeightBytes()));
            }
        }
        return Charts.sideBySide(
                Charts.accuracies("int8 accuracy on " + Format.count(comparison.images()) + " test images", names, accuracies),
                Charts.bars("NPU-encoded weights (Vela)", "kB", names, encoded));
    }

    /**
     * One row per sweep point: int8 accuracy with its interval and whether it differs from
     * {@code reference}'s on the same images; for a PCQAT point, how many points it gains over the
     * same setting's PTQ and whether that gain is significant (exact McNemar on the same images);
     * what the file holds, Vela's figures, and whether the point is on the Pareto front of
     * accuracy against NPU-encoded weights.
     */
    public static Table sweep(List<Sweep.Result> results, String reference, boolean[] referenceHits) {
        List<Sweep.Result> front = Sweep.paretoFront(results, Sweep.Result::encodedWeightBytes);
        Map<Sweep.Point, Sweep.Result> byPoint = byPoint(results);
        Table table = Table.create("Sweep: prune, cluster keeping zeros, then PTQ or PCQAT",
                StringColumn.create("sparsity / clusters / int8"), DoubleColumn.create("int8 accuracy %"),
                StringColumn.create(Tables.INTERVAL_COLUMN), StringColumn.create(Tables.SIGNIFICANCE_COLUMN + " " + reference),
                DoubleColumn.create("PCQAT - PTQ points"), StringColumn.create(Tables.SIGNIFICANCE_COLUMN + " PTQ (same setting)"),
                DoubleColumn.create("sparsity % (file)"), IntColumn.create("distinct per channel (file, max)"),
                DoubleColumn.create("gzip kB"), DoubleColumn.create("encoded weights kB"),
                DoubleColumn.create("inference ms"), StringColumn.create("Pareto front"));
        for (Sweep.Result r : results) {
            Accuracy accuracy = r.accuracy();
            Sweep.Point p = r.point();
            Sweep.Result partner = ptqPartner(byPoint, p);
            table.stringColumn(0).append(r.point().label());
            table.doubleColumn(1).append(100 * accuracy.value());
            table.stringColumn(2).append(Format.interval(accuracy.interval()));
            table.stringColumn(3).append(Format.significance(PairedComparison.of(referenceHits, r.hits())));
            if (partner == null) {
                table.doubleColumn(4).appendMissing();
                table.stringColumn(5).append("");
            } else {
                table.doubleColumn(4).append(100 * (accuracy.value() - partner.accuracy().value()));
                table.stringColumn(5).append(Format.significance(PairedComparison.of(partner.hits(), r.hits())));
            }
            table.doubleColumn(6).append(100 * r.fileSparsity());
            table.intColumn(7).append(r.maxDistinctPerChannel());
            table.doubleColumn(8).append(FileSizes.kilobytes(r.gzipBytes()));
            table.doubleColumn(9).append(FileSizes.kilobytes(r.encodedWeightBytes()));
            table.doubleColumn(10).append(r.inferenceMillis());
            table.stringColumn(11).append(front.contains(r) ? "yes" : "");
        }
        return table;
    }

    /** The sweep's results by point (the last result of a point where there are several). */
    static Map<Sweep.Point, Sweep.Result> byPoint(List<Sweep.Result> results) {
        Map<Sweep.Point, Sweep.Result> byPoint = new LinkedHashMap<>();
        results.forEach(r -> byPoint.put(r.point(), r));
        return byPoint;
    }

    /** For a PCQAT point, the same setting's PTQ result; null for a PTQ point or where the sweep has none. */
    static Sweep.Result ptqPartner(Map<Sweep.Point, Sweep.Result> byPoint, Sweep.Point p) {
        return p.quantization() == Sweep.Quantization.PCQAT
                ? byPoint.get(new Sweep.Point(p.sparsity(), p.clusters(), Sweep.Quantization.PTQ)) : null;
    }

    /**
     * int8 accuracy against {@code cost} for every point, PTQ and PCQAT apart, with the Pareto
     * front, the baseline's accuracy and the line {@link #MARGIN_POINTS} below it, and the smallest
     * model above that line.
     */
    public static BufferedImage sweepChart(List<Sweep.Result> results, ToDoubleFunction<Sweep.Result> cost,
                                           String costLabel, double baselineAccuracy) {
        XYChart chart = Charts.xy("int8 accuracy against " + costLabel, costLabel, "int8 accuracy %");
        for (Sweep.Quantization q : Sweep.Quantization.values()) {
            List<Sweep.Result> some = results.stream().filter(r -> r.point().quantization() == q).toList();
            if (!some.isEmpty()) {
                XYSeries s = chart.addSeries(q.name(), xs(some, cost), ys(some));
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
        }
        List<Sweep.Result> front = Sweep.paretoFront(results, cost);
        XYSeries frontLine = chart.addSeries("Pareto front", xs(front, cost), ys(front));
        frontLine.setMarker(SeriesMarkers.NONE);
        double[] span = {results.stream().mapToDouble(cost).min().orElse(0), results.stream().mapToDouble(cost).max().orElse(1)};
        chart.addSeries("baseline int8", span, new double[] {100 * baselineAccuracy, 100 * baselineAccuracy})
                .setMarker(SeriesMarkers.NONE);
        double margin = 100 * baselineAccuracy - MARGIN_POINTS;
        chart.addSeries("baseline int8 " + Format.points(-MARGIN_POINTS / 100), span, new double[] {margin, margin})
                .setMarker(SeriesMarkers.NONE);
        Optional<Sweep.Result> smallest = Sweep.smallestWithin(results, baselineAccuracy, MARGIN_POINTS);
        smallest.ifPresent(r -> {
            XYSeries s = chart.addSeries("smallest above that line", new double[] {cost.applyAsDouble(r)},
                    new double[] {100 * r.accuracy().value()});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(Color.BLACK);
        });
        return Charts.image(chart);
    }

    private static double[] xs(List<Sweep.Result> results, ToDoubleFunction<Sweep.Result> cost) {
        return results.stream().mapToDouble(cost).toArray();
    }

    private static double[] ys(List<Sweep.Result> results) {
        return results.stream().mapToDouble(r -> 100 * r.accuracy().value()).toArray();
    }

    private static int maxPerChannel(WeightStatistics weights) {
        return weights.tensors().stream().mapToInt(WeightStatistics.Tensor::maxDistinctPerChannel).max().orElse(0);
    }
}
