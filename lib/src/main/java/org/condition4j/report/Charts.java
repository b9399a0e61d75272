package org.condition4j.report;

import org.condition4j.io.FileSizes;
import org.condition4j.model.TrainingHistory;
import org.condition4j.stats.Accuracy;
import org.condition4j.runtime.ModelComparison;
import org.condition4j.quantize.QuantizedWeights;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * XChart figures as images, all in {@link ChartStyle}'s one style. In a JJava notebook
 * {@code display(image)} shows a {@link BufferedImage} inline as a PNG. The package-private
 * builders return the charts themselves, for tests to check what was drawn.
 */
public final class Charts {
    public static final int WIDTH = ChartStyle.WIDTH;
    public static final int HEIGHT = ChartStyle.HEIGHT;

    private Charts() {}

    /** Any XChart chart as an image in the suite's style of legend, for {@code display(...)}. */
    public static BufferedImage image(Chart<?, ?> chart) {
        return ChartStyle.render(chart);
    }

    /** Loss and accuracy per epoch, side by side. */
    public static BufferedImage trainingCurves(TrainingHistory history) {
        return ChartStyle.row(trainingPanels(history));
    }

    static ChartStyle.Panel[] trainingPanels(TrainingHistory history) {
        List<Double> epochs = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> test = new ArrayList<>();
        for (TrainingHistory.Epoch e : history.epochs()) {
            epochs.add((double) e.epoch());
            loss.add(e.loss());
            train.add(100 * e.trainAccuracy());
            test.add(100 * e.testAccuracy());
        }
        XYChart lossChart = ChartStyle.xy("Training loss", "epoch", "cross-entropy loss");
        ChartStyle.integerX(lossChart);
        lossChart.addSeries("loss", epochs, loss);
        XYChart accuracyChart = ChartStyle.xy("Accuracy", "epoch", "accuracy (%)");
        ChartStyle.integerX(accuracyChart);
        accuracyChart.addSeries("training batches", epochs, train);
        if (test.stream().noneMatch(v -> v.isNaN())) {
            accuracyChart.addSeries("test images", epochs, test);
        }
        return new ChartStyle.Panel[] {new ChartStyle.Panel(lossChart), new ChartStyle.Panel(accuracyChart)};
    }

    /** Accuracies with their 95 % intervals next to raw and gzip size bars, one group per compared model. */
    public static BufferedImage comparison(ModelComparison comparison) {
        return ChartStyle.row(comparisonPanels(comparison));
    }

    static ChartStyle.Panel[] comparisonPanels(ModelComparison comparison) {
        List<String> names = new ArrayList<>();
        List<Accuracy> accuracy = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> gzip = new ArrayList<>();
        for (ModelComparison.Entry e : comparison.entries()) {
            names.add(e.name());
            accuracy.add(e.evaluation().accuracyWithInterval());
            raw.add(FileSizes.kilobytes(e.sizeBytes()));
            gzip.add(FileSizes.kilobytes(e.gzipBytes()));
        }
        Map<String, List<Double>> sizes = new LinkedHashMap<>();
        sizes.put("raw", raw);
        sizes.put("gzip", gzip);
        return new ChartStyle.Panel[] {
                new ChartStyle.Panel(accuracyChart("Accuracy on " + Format.count(comparison.images()) + " test images",
                        names, accuracy)),
                new ChartStyle.Panel(barChart("File size", "file size (kB)", names, sizes))};
    }

    /** A line chart of named series that share the x values; integer x values get integer ticks. */
    public static BufferedImage lines(String title, String xLabel, String yLabel, double[] x,
                                      Map<String, double[]> series) {
        return ChartStyle.render(lineChart(title, xLabel, yLabel, x, series));
    }

    static XYChart lineChart(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
        XYChart chart = ChartStyle.xy(title, xLabel, yLabel);
        if (allIntegers(x)) {
            ChartStyle.integerX(chart);
        }
        // a long series draws as a line: markers on hundreds of points would hide it
        boolean markers = x.length <= 30;
        series.forEach((name, y) -> {
            XYSeries s = chart.addSeries(name, x, y);
            if (!markers) {
                s.setMarker(SeriesMarkers.NONE);
            }
        });
        return chart;
    }

    /**
     * Named curves, each with its own x values ({@code series} value: {x[], y[]}), optionally on
     * a logarithmic x axis; {@code scatter} names series drawn as points only. A series named in
     * {@code reference} is drawn as a dashed grey line without markers (a peak, a bound).
     */
    static XYChart curveChart(String title, String xLabel, String yLabel, Map<String, double[][]> series,
                              boolean logX, Set<String> scatter, Set<String> reference) {
        XYChart chart = ChartStyle.xy(title, xLabel, yLabel);
        chart.getStyler().setXAxisLogarithmic(logX);
        boolean integers = series.values().stream().allMatch(xy -> allIntegers(xy[0]));
        if (integers) {
            ChartStyle.integerX(chart);
        }
        series.forEach((name, xy) -> {
            XYSeries s = chart.addSeries(name, xy[0], xy[1]);
            if (scatter.contains(name)) {
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setMarkerColor(Color.BLACK);
            } else if (reference.contains(name)) {
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(ChartStyle.REFERENCE);
                s.setLineStyle(ChartStyle.DASHED);
            }
        });
        return chart;
    }

    /**
     * Accuracy (percent, y) against a cost (x), one labelled point per model with its 95 %
     * interval as an error bar: e.g. int8 accuracy against file size.
     */
    public static BufferedImage accuracyAgainst(String title, String xLabel, List<String> names, double[] x,
                                                List<Accuracy> accuracies) {
        return ChartStyle.render(accuracyAgainstPanel(title, xLabel, names, x, accuracies));
    }

    static ChartStyle.Panel accuracyAgainstPanel(String title, String xLabel, List<String> names, double[] x,
                                                 List<Accuracy> accuracies) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("No models to chart: give at least one name, x value and accuracy");
        }
        if (names.size() != x.length || names.size() != accuracies.size()) {
            throw new IllegalArgumentException(names.size() + " names, " + x.length + " x values and "
                    + accuracies.size() + " accuracies: give one of each per model");
        }
        XYChart chart = ChartStyle.xy(title, xLabel, "accuracy (%), 95 % interval");
        List<ChartStyle.Label> labels = new ArrayList<>();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            Accuracy a = accuracies.get(i);
            y[i] = 100 * a.value();
            ChartStyle.interval(chart, "interval " + i, x[i], 100 * a.interval().lower(), 100 * a.interval().upper(),
                    true, false);
            labels.add(new ChartStyle.Label(x[i], y[i], names.get(i)));
        }
        XYSeries points = chart.addSeries("accuracy", x, y);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.CIRCLE);
        points.setMarkerColor(ChartStyle.SERIES[0]);
        padX(chart, x, 0.12);
        double low = accuracies.stream().mapToDouble(a -> 100 * a.interval().lower()).min().orElse(0);
        double high = accuracies.stream().mapToDouble(a -> 100 * a.interval().upper()).max().orElse(100);
        double pad = Math.max(0.1, 0.08 * (high - low));
        chart.getStyler().setYAxisMin(Math.max(0, low - pad));
        chart.getStyler().setYAxisMax(Math.min(100, high + pad));
        return new ChartStyle.Panel(chart, labels);
    }

    /** Bars for each category, one colour per named series, the axis starting at 0. */
    public static BufferedImage bars(String title, String yLabel, List<String> categories,
                                     Map<String, ? extends List<? extends Number>> series) {
        return ChartStyle.render(barChart(title, yLabel, categories, series));
    }

    static CategoryChart barChart(String title, String yLabel, List<String> categories,
                                  Map<String, ? extends List<? extends Number>> series) {
        CategoryChart chart = ChartStyle.category(title, null, yLabel);
        boolean integers = series.values().stream().flatMap(List::stream)
                .allMatch(v -> v.doubleValue() == Math.rint(v.doubleValue()));
        if (integers) {
            ChartStyle.integerY(chart);
        }
        ChartStyle.fitCategoryNames(chart, categories);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        return chart;
    }

    /**
     * Accuracies (percent) as points with their 95 % intervals as error bars, one per category.
     * The axis spans the intervals with a margin, not from 0: points, not bars, so the distance
     * from the axis carries no meaning and accuracies a few tenths apart stay apart.
     */
    public static BufferedImage accuracies(String title, List<String> categories, List<Accuracy> accuracies) {
        return ChartStyle.render(accuracyChart(title, categories, accuracies));
    }

    static CategoryChart accuracyChart(String title, List<String> categories, List<Accuracy> accuracies) {
        List<Double> value = new ArrayList<>();
        List<Double> middle = new ArrayList<>();
        List<Double> halfWidth = new ArrayList<>();
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (Accuracy a : accuracies) {
            double lower = 100 * a.interval().lower();
            double upper = 100 * a.interval().upper();
            value.add(100 * a.value());
            // XChart draws an error bar as centre ± length: the interval's middle and half width
            // give exactly [lower, upper] for the interval, which is not symmetric about the accuracy
            middle.add((lower + upper) / 2);
            halfWidth.add((upper - lower) / 2);
            low = Math.min(low, lower);
            high = Math.max(high, upper);
        }
        CategoryChart chart = ChartStyle.category(title, null, "accuracy (%), 95 % interval");
        double pad = Math.max(0.1, 0.15 * (high - low));
        chart.getStyler().setYAxisMin(Math.max(0, low - pad));
        chart.getStyler().setYAxisMax(Math.min(100, high + pad));
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setErrorBarsColorSeriesColor(false);
        ChartStyle.fitCategoryNames(chart, categories);
        CategorySeries interval = chart.addSeries(INTERVAL_SERIES, categories, middle, halfWidth);
        interval.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
        interval.setMarker(SeriesMarkers.NONE);
        interval.setShowInLegend(false);
        CategorySeries points = chart.addSeries("accuracy", categories, value);
        points.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.CIRCLE);
        points.setMarkerColor(ChartStyle.SERIES[0]);
        return chart;
    }

    /** The series of {@link #accuracyChart} whose error bars are the 95 % intervals. */
    static final String INTERVAL_SERIES = "95 % interval";

    /**
     * Overlaid histograms of the named value sets (e.g. weights before and after), {@code bins}
     * bins. Integer data (int8 codes) gets bins of whole units centred on the integers and
     * integer ticks; counts get integer ticks.
     */
    public static BufferedImage histograms(String title, String xLabel, int bins, boolean logCounts,
                                           Map<String, double[]> values) {
        return ChartStyle.render(histogramChart(title, xLabel, bins, logCounts, values));
    }

    static XYChart histogramChart(String title, String xLabel, int bins, boolean logCounts, Map<String, double[]> values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean integers = true;
        for (double[] v : values.values()) {
            for (double d : v) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            integers &= allIntegers(v);
        }
        if (integers) {
            // whole-unit bins from min - 0.5: every bin holds the same number of integers
            double unit = Math.max(1, Math.ceil((max - min + 1) / bins));
            bins = (int) Math.ceil((max - min + 1) / unit);
            min = min - 0.5;
            max = min + bins * unit;
        }
        XYChart chart = ChartStyle.xy(title, xLabel, logCounts ? "count (log scale)" : "count");
        chart.getStyler().setYAxisLogarithmic(logCounts);
        ChartStyle.integerY(chart);
        if (integers) {
            ChartStyle.integerX(chart);
        }
        // the axis on the outer bin edges: XChart would otherwise put its ticks on the bin centres
        chart.getStyler().setXAxisMin(min);
        chart.getStyler().setXAxisMax(max);
        for (Map.Entry<String, double[]> entry : values.entrySet()) {
            List<Double> data = new ArrayList<>(entry.getValue().length);
            for (double d : entry.getValue()) {
                data.add(d);
            }
            Histogram histogram = new Histogram(data, bins, min, max);
            List<Double> counts = new ArrayList<>();
            for (Double c : histogram.getyAxisData()) {
                counts.add(logCounts ? Math.max(c, 0.5) : c);
            }
            XYSeries s = chart.addSeries(entry.getKey(), histogram.getxAxisData(), counts);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            s.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /**
     * One layer's int8 weights: a histogram of the codes (integers, one bin per code) beside the
     * scale of each output channel.
     */
    public static BufferedImage int8Weights(String layer, QuantizedWeights weights) {
        double[] codes = new double[weights.values().length];
        for (int k = 0; k < codes.length; k++) {
            codes[k] = weights.values()[k];
        }
        double[] channels = new double[weights.scales().length];
        double[] scales = new double[channels.length];
        for (int c = 0; c < channels.length; c++) {
            channels[c] = c;
            scales[c] = 1000 * weights.scales()[c];
        }
        return ChartStyle.row(
                new ChartStyle.Panel(histogramChart(layer + ": int8 weight codes", "int8 code", 255, false,
                        Map.of(layer, codes))),
                new ChartStyle.Panel(lineChart(layer + ": weight scale per output channel", "output channel",
                        "scale (× 1/1000)", channels, Map.of("scale", scales))));
    }

    /**
     * A grid of MNIST digits from rows of 784 pixels in [0, 1], each captioned (e.g. with its
     * label or prediction).
     */
    public static BufferedImage digits(INDArray images, List<String> captions, int columns) {
        int n = (int) images.size(0);
        int cell = 28 * 3;
        int captionHeight = 18;
        int rows = (n + columns - 1) / columns;
        BufferedImage out = new BufferedImage(columns * cell, rows * (cell + captionHeight), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < n; i++) {
            int x0 = (i % columns) * cell;
            int y0 = (i / columns) * (cell + captionHeight);
            for (int p = 0; p < 784; p++) {
                int grey = 255 - (int) Math.round(255 * Math.max(0, Math.min(1, images.getDouble(i, p))));
                g.setColor(new Color(grey, grey, grey));
                g.fillRect(x0 + (p % 28) * 3, y0 + (p / 28) * 3, 3, 3);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(i < captions.size() ? captions.get(i) : "", x0 + 4, y0 + cell + captionHeight - 4);
        }
        g.dispose();
        return out;
    }

    /** A grid of the digits in {@code sample}, each captioned with its label. */
    public static BufferedImage digits(DataSet sample, int columns) {
        List<String> captions = new ArrayList<>();
        for (long label : sample.getLabels().argMax(1).toLongVector()) {
            captions.add("label " + label);
        }
        return digits(sample.getFeatures(), captions, columns);
    }

    /** Images placed next to each other, top-aligned. */
    public static BufferedImage sideBySide(BufferedImage... images) {
        return tiled(true, images);
    }

    /** Images one above the other, left-aligned. */
    public static BufferedImage stacked(BufferedImage... images) {
        return tiled(false, images);
    }

    /** {@code images} in a row ({@code across}) or a column, on white where they differ in size. */
    private static BufferedImage tiled(boolean across, BufferedImage... images) {
        int width = 0;
        int height = 0;
        for (BufferedImage image : images) {
            width = across ? width + image.getWidth() : Math.max(width, image.getWidth());
            height = across ? Math.max(height, image.getHeight()) : height + image.getHeight();
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int offset = 0;
        for (BufferedImage image : images) {
            g.drawImage(image, across ? offset : 0, across ? 0 : offset, null);
            offset += across ? image.getWidth() : image.getHeight();
        }
        g.dispose();
        return out;
    }

    /** Whether every value is a whole number: such data gets integer ticks. */
    static boolean allIntegers(double[] values) {
        for (double v : values) {
            if (v != Math.rint(v)) {
                return false;
            }
        }
        return values.length > 0;
    }

    /** The x axis over the values with {@code fraction} of their span either side (room for labels). */
    static void padX(XYChart chart, double[] x, double fraction) {
        double lo = java.util.Arrays.stream(x).min().orElse(0);
        double hi = java.util.Arrays.stream(x).max().orElse(1);
        double pad = hi > lo ? fraction * (hi - lo) : Math.max(1, Math.abs(hi) * fraction);
        chart.getStyler().setXAxisMin(lo - pad);
        chart.getStyler().setXAxisMax(hi + pad);
    }
}
