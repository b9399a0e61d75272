package org.condition4j.report;

import org.condition4j.io.FileSizes;
import org.condition4j.model.TrainingHistory;
import org.condition4j.stats.Accuracy;
import org.condition4j.runtime.ModelComparison;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XChart figures as images. In a JJava notebook {@code display(image)} shows a
 * {@link BufferedImage} inline as a PNG.
 */
public final class Charts {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 380;

    private Charts() {}

    /** Any XChart chart as an image, for {@code display(...)}. */
    public static BufferedImage image(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Loss and accuracy per epoch, side by side. */
    public static BufferedImage trainingCurves(TrainingHistory history) {
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
        XYChart lossChart = xy("Training loss", "epoch", "cross-entropy");
        lossChart.getStyler().setXAxisDecimalPattern("0");
        lossChart.addSeries("loss", epochs, loss);
        XYChart accuracyChart = xy("Accuracy", "epoch", "%");
        accuracyChart.getStyler().setXAxisDecimalPattern("0");
        accuracyChart.addSeries("training batches", epochs, train);
        if (test.stream().noneMatch(v -> v.isNaN())) {
            accuracyChart.addSeries("test images", epochs, test);
        }
        return sideBySide(image(lossChart), image(accuracyChart));
    }

    /** Accuracy bars with their 95 % intervals next to raw and gzip size bars, one group per compared model. */
    public static BufferedImage comparison(ModelComparison comparison) {
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
        return sideBySide(accuracies("Accuracy on " + Format.count(comparison.images()) + " test images", names, accuracy),
                bars("File size", "kB", names, sizes));
    }

    /** A line chart of named series that share the x values. */
    public static BufferedImage lines(String title, String xLabel, String yLabel, double[] x,
                                      Map<String, double[]> series) {
        XYChart chart = xy(title, xLabel, yLabel);
        series.forEach((name, y) -> chart.addSeries(name, x, y));
        return image(chart);
    }

    /**
     * Named curves, each with its own x values ({@code series} value: {x[], y[]}), optionally on
     * a logarithmic x axis; {@code scatter} names series drawn as points only.
     */
    public static BufferedImage curves(String title, String xLabel, String yLabel, Map<String, double[][]> series,
                                       boolean logX, java.util.Set<String> scatter) {
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        series.forEach((name, xy) -> {
            var s = chart.addSeries(name, xy[0], xy[1]);
            if (scatter.contains(name)) {
                s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarkerColor(Color.BLACK);
            }
        });
        return image(chart);
    }

    /** Points (x, y) per named group, labelled, e.g. accuracy against size per model. */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, Map<String, double[]> points) {
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(12);
        points.forEach((name, xy) -> chart.addSeries(name, new double[] {xy[0]}, new double[] {xy[1]}));
        return image(chart);
    }

    /** Bars for each category, one colour per named series, the axis starting at 0. */
    public static BufferedImage bars(String title, String yLabel, List<String> categories,
                                     Map<String, ? extends List<? extends Number>> series) {
        return bars(title, yLabel, categories, series, 0);
    }

    /**
     * Bars with the value axis starting at {@code axisMin}: for values close together, such as
     * accuracies of 98.2 and 98.9 %, which bars from 0 would show as equal.
     */
    public static BufferedImage bars(String title, String yLabel, List<String> categories,
                                     Map<String, ? extends List<? extends Number>> series, double axisMin) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(axisMin);
        chart.getStyler().setLegendVisible(series.size() > 1);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        return image(chart);
    }

    /**
     * Accuracy bars (percent) with each bar's 95 % interval drawn as two marks, its lower and
     * upper bound; the value axis starts a little below the lowest bound.
     */
    public static BufferedImage accuracies(String title, List<String> categories, List<Accuracy> accuracies) {
        List<Double> value = new ArrayList<>();
        List<Double> lower = new ArrayList<>();
        List<Double> upper = new ArrayList<>();
        for (Accuracy a : accuracies) {
            value.add(100 * a.value());
            lower.add(100 * a.interval().lower());
            upper.add(100 * a.interval().upper());
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).yAxisTitle("%").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(Math.max(0, Math.floor(java.util.Collections.min(lower)) - 1));
        chart.getStyler().setOverlapped(true);
        chart.addSeries("accuracy", categories, value);
        for (var bound : List.of(Map.entry("95 % interval, lower", lower), Map.entry("95 % interval, upper", upper))) {
            var series = chart.addSeries(bound.getKey(), categories, bound.getValue());
            series.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
            series.setMarker(SeriesMarkers.TRIANGLE_UP);
            series.setMarkerColor(Color.BLACK);
        }
        return image(chart);
    }

    /** Overlaid histograms of the named value sets (e.g. weights before and after), {@code bins} bins. */
    public static BufferedImage histograms(String title, String xLabel, int bins, boolean logCounts,
                                           Map<String, double[]> values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] v : values.values()) {
            for (double d : v) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        XYChart chart = xy(title, xLabel, logCounts ? "count (log)" : "count");
        chart.getStyler().setYAxisLogarithmic(logCounts);
        // XChart puts the ticks of equally spaced x values (the bin centres) on those values
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
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
            var s = chart.addSeries(entry.getKey(), histogram.getxAxisData(), counts);
            s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Step);
        }
        return image(chart);
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
        int width = 0;
        int height = 0;
        for (BufferedImage image : images) {
            width += image.getWidth();
            height = Math.max(height, image.getHeight());
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int x = 0;
        for (BufferedImage image : images) {
            g.drawImage(image, x, 0, null);
            x += image.getWidth();
        }
        g.dispose();
        return out;
    }

    static XYChart xy(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        return chart;
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        // below the plot, never over the data (inside, it covered bars and the ends of curves)
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    }
}
