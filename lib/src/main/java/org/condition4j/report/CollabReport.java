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

    /** Accuracies with their intervals (error bars) beside the NPU-encoded weights per target. */
    public static BufferedImage comparisonChart(ModelComparison comparison, Map<String, List<VelaReport>> vela) {
        return ChartStyle.row(comparisonPanels(comparison, vela));
    }

    static ChartStyle.Panel[] comparisonPanels(ModelComparison comparison, Map<String, List<VelaReport>> vela) {
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
        return new ChartStyle.Panel[] {
                new ChartStyle.Panel(Charts.accuracyChart("int8 accuracy on " + Format.count(comparison.images())
                        + " test images", names, accuracies)),
                new ChartStyle.Panel(Charts.barChart("NPU-encoded weights (Vela)", "NPU-encoded weights (kB)", names,
                        encoded))};
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
     * Points at most this many percentage points below the baseline's int8 accuracy are drawn in
     * the main panel of {@link #sweepChart}, zoomed on them; lower ones (broken models) in a panel
     * of their own below it.
     */
    public static final double BAND_POINTS = 3;

    static final int SWEEP_WIDTH = 900;
    static final int SWEEP_HEIGHT = 460;
    static final int BELOW_BAND_HEIGHT = 270;

    /**
     * int8 accuracy against {@code cost} for every point, PTQ and PCQAT apart, each point labelled
     * with its sparsity and clusters. The main panel is zoomed on the band within
     * {@link #BAND_POINTS} of the baseline and shows the Pareto front, the baseline's accuracy, the
     * line {@link #MARGIN_POINTS} below it and the smallest model above that line; points below the
     * band are drawn, labelled with their accuracy, in a panel of their own underneath (same x axis).
     * {@code costTitle} names the cost and its unit, e.g. "NPU-encoded weights (kB)".
     */
    public static BufferedImage sweepChart(List<Sweep.Result> results, ToDoubleFunction<Sweep.Result> cost,
                                           String costTitle, double baselineAccuracy) {
        List<ChartStyle.Panel> panels = sweepPanels(results, cost, costTitle, baselineAccuracy);
        return Charts.stacked(panels.stream().map(ChartStyle::render).toArray(BufferedImage[]::new));
    }

    /** The panels of {@link #sweepChart}: the band, and the points below it where there are any. */
    static List<ChartStyle.Panel> sweepPanels(List<Sweep.Result> results, ToDoubleFunction<Sweep.Result> cost,
                                              String costTitle, double baselineAccuracy) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("No sweep results to chart; run the sweep first");
        }
        double baseline = 100 * baselineAccuracy;
        double bandFloor = baseline - BAND_POINTS;
        List<Sweep.Result> inBand = results.stream().filter(r -> percent(r) >= bandFloor).toList();
        List<Sweep.Result> below = results.stream().filter(r -> percent(r) < bandFloor).toList();
        List<Sweep.Result> front = Sweep.paretoFront(results, cost);
        double[] span = {results.stream().mapToDouble(cost).min().orElseThrow(),
                results.stream().mapToDouble(cost).max().orElseThrow()};
        double xPad = span[1] > span[0] ? 0.06 * (span[1] - span[0]) : Math.max(1e-3, 0.06 * Math.abs(span[0]));
        double xMin = span[0] - xPad;
        double xMax = span[1] + xPad;

        XYChart band = ChartStyle.xy("int8 accuracy against " + costTitle + " · labels: sparsity % / clusters",
                costTitle, "int8 accuracy (%)", SWEEP_WIDTH, SWEEP_HEIGHT);
        band.getStyler().setXAxisMin(xMin);
        band.getStyler().setXAxisMax(xMax);
        double margin = baseline - MARGIN_POINTS;
        double low = Math.min(margin, inBand.stream().mapToDouble(CollabReport::percent).min().orElse(margin));
        double high = Math.max(baseline, inBand.stream().mapToDouble(CollabReport::percent).max().orElse(baseline));
        double yPad = Math.max(0.15, 0.1 * (high - low));
        band.getStyler().setYAxisMin(low - yPad);
        band.getStyler().setYAxisMax(high + yPad);
        List<Sweep.Result> bandFront = front.stream().filter(inBand::contains).toList();
        if (!bandFront.isEmpty()) {
            XYSeries line = band.addSeries("Pareto front", xs(bandFront, cost), ys(bandFront));
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(ChartStyle.SERIES[2]);
        }
        ChartStyle.referenceLine(band, "baseline int8 " + Format.percent(baselineAccuracy), xMin, xMax, baseline,
                ChartStyle.SOLID);
        ChartStyle.referenceLine(band, "baseline " + Format.points(-MARGIN_POINTS / 100), xMin, xMax, margin,
                ChartStyle.DASHED);
        addPoints(band, inBand, cost, true);
        Sweep.smallestWithin(results, baselineAccuracy, MARGIN_POINTS).ifPresent(r -> {
            XYSeries s = band.addSeries("smallest within " + Format.fixed(MARGIN_POINTS) + " points",
                    new double[] {cost.applyAsDouble(r)}, new double[] {percent(r)});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(ChartStyle.RING);
            s.setMarkerColor(Color.BLACK);
        });
        List<ChartStyle.Label> bandLabels = inBand.stream()
                .map(r -> new ChartStyle.Label(cost.applyAsDouble(r), percent(r), shortLabel(r.point()))).toList();
        List<ChartStyle.Panel> panels = new ArrayList<>();
        panels.add(new ChartStyle.Panel(band, bandLabels));
        if (!below.isEmpty()) {
            XYChart off = ChartStyle.xy("Broken: more than " + Format.fixed(BAND_POINTS)
                            + " points below the baseline · sparsity % / clusters: accuracy", costTitle,
                    "int8 accuracy (%)", SWEEP_WIDTH, BELOW_BAND_HEIGHT);
            off.getStyler().setXAxisMin(xMin);
            off.getStyler().setXAxisMax(xMax);
            double offLow = below.stream().mapToDouble(CollabReport::percent).min().orElseThrow();
            double offHigh = below.stream().mapToDouble(CollabReport::percent).max().orElseThrow();
            double offPad = Math.max(1, 0.12 * (offHigh - offLow));
            addPoints(off, below, cost, false);
            double yMin = Math.max(0, offLow - offPad);
            double yMax = Math.min(bandFloor, offHigh + offPad);
            off.getStyler().setYAxisMin(yMin);
            off.getStyler().setYAxisMax(yMax);
            List<ChartStyle.Label> offLabels = belowBandLabels(below, cost, SHARED_LABEL_SPAN * (yMax - yMin));
            panels.add(new ChartStyle.Panel(off, offLabels));
        }
        return panels;
    }

    /** Below the band, a setting's two points share a label when they are this share of the axis apart or closer. */
    static final double SHARED_LABEL_SPAN = 0.08;

    /**
     * Labels of the points below the band, with their accuracy: "95/4: 49.29 %"; where a setting's
     * PTQ and PCQAT points are both there at one cost and at most {@code close} points apart, one
     * label for both, at the upper point: "95/4: 49.29 % PTQ, 52.01 % PCQAT".
     */
    static List<ChartStyle.Label> belowBandLabels(List<Sweep.Result> below, ToDoubleFunction<Sweep.Result> cost,
                                                  double close) {
        Map<List<Object>, List<Sweep.Result>> bySetting = new LinkedHashMap<>();
        for (Sweep.Result r : below) {
            bySetting.computeIfAbsent(List.of(r.point().sparsity(), r.point().clusters(), cost.applyAsDouble(r)),
                    k -> new ArrayList<>()).add(r);
        }
        List<List<Sweep.Result>> groups = new ArrayList<>();
        for (List<Sweep.Result> same : bySetting.values()) {
            double spread = same.stream().mapToDouble(CollabReport::percent).max().orElseThrow()
                    - same.stream().mapToDouble(CollabReport::percent).min().orElseThrow();
            if (spread <= close) {
                groups.add(same);
            } else {
                same.forEach(r -> groups.add(List.of(r)));
            }
        }
        List<ChartStyle.Label> labels = new ArrayList<>();
        for (List<Sweep.Result> same : groups) {
            Sweep.Result top = same.stream().max(java.util.Comparator.comparingDouble(CollabReport::percent)).orElseThrow();
            String text = shortLabel(top.point()) + ": " + (same.size() == 1 ? Format.accuracy(top.accuracy())
                    : String.join(", ", same.stream().map(r -> Format.accuracy(r.accuracy()) + " "
                    + r.point().quantization().name()).toList()));
            labels.add(new ChartStyle.Label(cost.applyAsDouble(top), percent(top), text));
        }
        return labels;
    }

    /** PTQ and PCQAT points as two scatter series (in the legend or not). */
    private static void addPoints(XYChart chart, List<Sweep.Result> results, ToDoubleFunction<Sweep.Result> cost,
                                  boolean inLegend) {
        for (Sweep.Quantization q : Sweep.Quantization.values()) {
            List<Sweep.Result> some = results.stream().filter(r -> r.point().quantization() == q).toList();
            if (!some.isEmpty()) {
                XYSeries s = chart.addSeries(q.name(), xs(some, cost), ys(some));
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(q == Sweep.Quantization.PTQ ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
                s.setMarkerColor(ChartStyle.SERIES[q.ordinal() % 2 == 0 ? 0 : 1]);
                s.setShowInLegend(inLegend);
            }
        }
    }

    /** A sweep point's sparsity in percent and its clusters: "90/8". */
    static String shortLabel(Sweep.Point p) {
        return Math.round(100 * p.sparsity()) + "/" + p.clusters();
    }

    private static double percent(Sweep.Result r) {
        return 100 * r.accuracy().value();
    }

    private static double[] xs(List<Sweep.Result> results, ToDoubleFunction<Sweep.Result> cost) {
        return results.stream().mapToDouble(cost).toArray();
    }

    private static double[] ys(List<Sweep.Result> results) {
        return results.stream().mapToDouble(CollabReport::percent).toArray();
    }

    private static int maxPerChannel(WeightStatistics weights) {
        return weights.tensors().stream().mapToInt(WeightStatistics.Tensor::maxDistinctPerChannel).max().orElse(0);
    }
}
