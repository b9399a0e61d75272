package org.condition4j.report;

import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.Series;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The one look of every chart: fonts, colours, sizes, axis titles, the legend's place, intervals
 * and point labels. Every chart is built by {@link #xy} or {@link #category} and drawn by
 * {@link #render}, which lays the legend out below the plot so that it never gets cut: one row
 * where the series names fit the width, else one entry per line with the image grown by the
 * legend's height (the plot keeps its size).
 *
 * <p>Axis titles name the quantity and its unit in brackets ("int8 accuracy (%)"); axes of counts
 * and indices get integer ticks ({@link #integerX}, {@link #integerY}).
 */
final class ChartStyle {
    static final int WIDTH = 640;
    static final int HEIGHT = 380;

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /** Okabe–Ito colours, which colour-blind readers tell apart too; the markers differ as well. */
    static final Color[] SERIES = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
            new Color(0xD55E00), new Color(0xCC79A7), new Color(0x56B4E9), new Color(0x000000),
            new Color(0xF0E442)};
    /** Reference lines (a baseline, a peak) and intervals. */
    static final Color REFERENCE = new Color(0x444444);
    static final Color TEXT = new Color(0x222222);

    static final BasicStroke SOLID = new BasicStroke(1.5f);
    static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] {6, 4}, 0);

    /** Legend padding and line sample length as set in {@link #apply}; {@link #legendFits} measures with them. */
    private static final int LEGEND_PADDING = 8;
    private static final int LEGEND_LINE = 24;
    private static final int LEGEND_MARGIN = 6;
    private static final int MARKER_SIZE = 7;
    private static final FontRenderContext MEASURE = new FontRenderContext(null, true, false);

    private ChartStyle() {}

    /** A point label: {@code text} next to the data point (x, y), placed by {@link #render} where it overlaps nothing. */
    record Label(double x, double y, String text) {}

    /** A chart and the labels of its points: what {@link #render} draws. */
    record Panel(Chart<?, ?> chart, List<Label> labels) {
        Panel(Chart<?, ?> chart) {
            this(chart, List.of());
        }
    }

    /** A line or scatter chart in the suite's style; {@code xTitle} and {@code yTitle} name quantity and unit. */
    static XYChart xy(String title, String xTitle, String yTitle) {
        return xy(title, xTitle, yTitle, WIDTH, HEIGHT);
    }

    static XYChart xy(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        apply(chart.getStyler());
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setXAxisDecimalPattern("#,##0.###");
        return chart;
    }

    /** A bar chart in the suite's style, the value axis from 0. */
    static CategoryChart category(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        apply(chart.getStyler());
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    private static void apply(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        s.setPlotBorderColor(new Color(0xBBBBBB));
        s.setPlotGridLinesColor(new Color(0xE4E4E4));
        s.setChartFontColor(TEXT);
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_TITLE);
        s.setAxisTickLabelsFont(TICKS);
        s.setAxisTickLabelsColor(TEXT);
        s.setLegendFont(LEGEND);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendPadding(LEGEND_PADDING);
        s.setLegendSeriesLineLength(LEGEND_LINE);
        s.setLegendBorderColor(new Color(0xCCCCCC));
        s.setSeriesColors(SERIES);
        s.setMarkerSize(MARKER_SIZE);
        s.setChartPadding(10);
        s.setAnnotationTextFont(LABEL);
        s.setAnnotationTextFontColor(TEXT);
        s.setErrorBarsColor(REFERENCE);
    }

    /** Integer ticks on the x axis: for integer data (epochs, steps, channels, int8 codes). */
    static void integerX(XYChart chart) {
        // XChart widens the tick step until the formatted labels are unique: integers then
        chart.getStyler().setXAxisDecimalPattern("#,##0");
    }

    /** Integer ticks on the y axis: for counts (images, weights, cycles). */
    static void integerY(Chart<? extends AxesChartStyler, ?> chart) {
        chart.getStyler().setYAxisDecimalPattern("#,##0");
    }

    /**
     * Category names (the x labels of bars) level where they fit side by side, else turned by the
     * smallest of 30°, 45°, 60° and 90° at which each ends at its tick inside the image (XChart
     * silently leaves out a label that would cross the image's edge).
     */
    static void fitCategoryNames(CategoryChart chart, List<String> categories) {
        int n = Math.max(1, categories.size());
        // the plot spans about the width less the y axis; categories share it evenly
        double plotLeft = 90;
        double slot = (chart.getWidth() - plotLeft - chart.getStyler().getChartPadding()) / n;
        double widest = categories.stream().mapToDouble(c -> textWidth(c, TICKS)).max().orElse(0);
        if (widest < 0.9 * slot) {
            return;
        }
        chart.getStyler().setXAxisLabelAlignment(AxesChartStyler.TextAlignment.Right);
        for (int angle : new int[] {30, 45, 60, 90}) {
            boolean fits = true;
            for (int i = 0; i < categories.size(); i++) {
                double tick = plotLeft + slot * (i + 0.5);
                double w = textWidth(categories.get(i), TICKS);
                double across = w * Math.cos(Math.toRadians(angle)) + textHeight(TICKS) * Math.sin(Math.toRadians(angle));
                fits &= tick - across > 2 && across <= slot * (i + 0.5) + plotLeft - 2;
            }
            if (fits || angle == 90) {
                chart.getStyler().setXAxisLabelRotation(angle);
                if (angle == 90) {
                    chart.getStyler().setXAxisLabelAlignment(AxesChartStyler.TextAlignment.Centre);
                }
                return;
            }
        }
    }

    /**
     * A 95 % interval as an error bar from {@code lower} to {@code upper} at {@code at}: vertical
     * (at is x) or horizontal (at is y), with end caps. Drawn as its own series, which is in the
     * legend (as "95 % interval") only when {@code inLegend}.
     */
    static void interval(XYChart chart, String name, double at, double lower, double upper, boolean vertical,
                         boolean inLegend) {
        double[] across = {at, at};
        double[] along = {lower, upper};
        XYSeries s = vertical ? chart.addSeries(name, across, along) : chart.addSeries(name, along, across);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(REFERENCE);
        s.setLineStyle(new BasicStroke(1.4f));
        s.setMarker(new Cap(vertical));
        s.setMarkerColor(REFERENCE);
        s.setShowInLegend(inLegend);
        if (inLegend) {
            s.setLabel("95 % interval");
        }
    }

    /** A horizontal reference line across [x0, x1] at {@code y}, without markers. */
    static XYSeries referenceLine(XYChart chart, String name, double x0, double x1, double y, BasicStroke stroke) {
        XYSeries s = chart.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(REFERENCE);
        s.setLineStyle(stroke);
        return s;
    }

    /** An open ring around a point, to single it out (e.g. the smallest model within a margin). */
    static final Marker RING = new Marker() {
        @Override
        public void paint(Graphics2D g, double x, double y, int size) {
            g.setStroke(new BasicStroke(2f));
            double r = size + 3;
            g.draw(new java.awt.geom.Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
        }
    };

    /** A short line across the end of an interval: horizontal on a vertical interval and the reverse. */
    private static final class Cap extends Marker {
        private final boolean vertical;

        Cap(boolean vertical) {
            this.vertical = vertical;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int size) {
            g.setStroke(new BasicStroke(1.4f));
            double half = size * 0.8;
            Path2D.Double path = new Path2D.Double();
            if (vertical) {
                path.moveTo(x - half, y);
                path.lineTo(x + half, y);
            } else {
                path.moveTo(x, y - half);
                path.lineTo(x, y + half);
            }
            g.draw(path);
        }
    }

    // ---- rendering ----

    /** The panel as an image, its legend below the plot and never cut, its points labelled. */
    static BufferedImage render(Panel panel) {
        return render(panel, height(panel.chart()));
    }

    static BufferedImage render(Chart<?, ?> chart) {
        return render(new Panel(chart));
    }

    /** Panels side by side at one height (the tallest legend decides), so that their plots line up. */
    static BufferedImage row(Panel... panels) {
        int height = 0;
        for (Panel p : panels) {
            height = Math.max(height, height(p.chart()));
        }
        List<BufferedImage> images = new ArrayList<>();
        for (Panel p : panels) {
            images.add(render(p, height));
        }
        return Charts.sideBySide(images.toArray(BufferedImage[]::new));
    }

    /**
     * The height the chart needs: its own, plus room for a legend of one entry per line where
     * the entries do not fit in one row. Sets the legend's layout and visibility on the way: a
     * legend is shown where it names two or more series.
     */
    static int height(Chart<?, ?> chart) {
        List<String> entries = legendEntries(chart);
        Styler s = chart.getStyler();
        if (entries.size() < 2) {
            s.setLegendVisible(false);
            return chart.getHeight();
        }
        s.setLegendVisible(true);
        if (legendFits(chart, entries)) {
            s.setLegendLayout(Styler.LegendLayout.Horizontal);
            return chart.getHeight();
        }
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        double entryHeight = Math.max(textHeight(LEGEND), Math.max(MARKER_SIZE, 20));
        double vertical = entries.size() * (entryHeight + LEGEND_PADDING) + LEGEND_PADDING;
        double horizontal = entryHeight + 2 * LEGEND_PADDING;
        return chart.getHeight() + (int) Math.ceil(vertical - horizontal);
    }

    /** Whether the legend's entries fit in one row within the chart's width (as XChart measures a row). */
    static boolean legendFits(Chart<?, ?> chart, List<String> entries) {
        double width = LEGEND_PADDING;
        for (String e : entries) {
            width += textWidth(e, LEGEND) + 3 * LEGEND_PADDING + LEGEND_LINE;
        }
        return width <= chart.getWidth() - 2 * (LEGEND_MARGIN + chart.getStyler().getChartPadding());
    }

    private static List<String> legendEntries(Chart<?, ?> chart) {
        List<String> entries = new ArrayList<>();
        for (Series series : chart.getSeriesMap().values()) {
            if (series.isShowInLegend() && series.isEnabled()) {
                entries.add(series.getLabel());
            }
        }
        return entries;
    }

    private static BufferedImage render(Panel panel, int height) {
        Chart<?, ?> chart = panel.chart();
        if (chart instanceof XYChart xy) {
            avoidTicksOnData(xy);
        }
        int width = chart.getWidth();
        if (!panel.labels().isEmpty()) {
            paint(chart, width, height); // lays out the axes, which place the labels
            placeLabels(chart, panel.labels(), height);
        }
        return paint(chart, width, height);
    }

    /**
     * For equally spaced x values XChart puts its ticks on every k-th value (0, 42, 84, ...); an
     * axis starting a hair below the first value makes it choose round steps instead.
     */
    private static void avoidTicksOnData(XYChart chart) {
        if (chart.getStyler().getXAxisMin() != null || chart.getStyler().isXAxisLogarithmic()) {
            return;
        }
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double x : s.getXData()) {
                xs.add(x);
            }
        }
        if (xs.size() < 2) {
            return;
        }
        double span = xs.last() - xs.first();
        double gap = xs.higher(xs.first()) - xs.first();
        // XChart calls values equally spaced when the gaps differ by less than 0.0001
        chart.getStyler().setXAxisMin(xs.first() - Math.max(span / 1000, gap + 2e-4));
    }

    private static BufferedImage paint(Chart<?, ?> chart, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.paint(g, width, height);
        g.dispose();
        return image;
    }

    /**
     * Puts each label next to its point where it overlaps no other label and no labelled point:
     * the first free place of right, left, above, below and the diagonals, at growing distance;
     * where none is free, the place with the least overlap. A label is never left out; points
     * drawn within {@link #SAME_LABEL_PIXELS} of each other with the same text share one.
     */
    private static void placeLabels(Chart<?, ?> chart, List<Label> labels, int height) {
        List<Rectangle2D> taken = new ArrayList<>();
        double[][] anchors = new double[labels.size()][];
        for (int i = 0; i < labels.size(); i++) {
            Label l = labels.get(i);
            anchors[i] = new double[] {chart.getScreenXFromChart(l.x()), chart.getScreenYFromChart(l.y())};
        }
        // every point drawn is an obstacle (labelled or not), reference lines and intervals (series of
        // two points) too, but a lesser one: crossing a line reads worse than nothing, better than text on text
        List<Rectangle2D> lines = new ArrayList<>();
        double r = MARKER_SIZE / 2.0 + 1;
        for (Series series : chart.getSeriesMap().values()) {
            if (!(series instanceof XYSeries xy)) {
                continue;
            }
            if (xy.getXData().length == 2) {
                double x0 = chart.getScreenXFromChart(xy.getXData()[0]);
                double x1 = chart.getScreenXFromChart(xy.getXData()[1]);
                double y0 = chart.getScreenYFromChart(xy.getYData()[0]);
                double y1 = chart.getScreenYFromChart(xy.getYData()[1]);
                lines.add(new Rectangle2D.Double(Math.min(x0, x1) - 2, Math.min(y0, y1) - 2, Math.abs(x1 - x0) + 4,
                        Math.abs(y1 - y0) + 4));
            } else if (xy.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.Scatter) {
                for (int k = 0; k < xy.getXData().length; k++) {
                    double x = chart.getScreenXFromChart(xy.getXData()[k]);
                    double y = chart.getScreenYFromChart(xy.getYData()[k]);
                    taken.add(new Rectangle2D.Double(x - r, y - r, 2 * r, 2 * r));
                }
            }
        }
        for (double[] a : anchors) {
            taken.add(new Rectangle2D.Double(a[0] - r, a[1] - r, 2 * r, 2 * r));
        }
        Rectangle2D area = plotArea(chart, height);
        double[][] directions = {{1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {1, 1}, {-1, -1}, {-1, 1}};
        List<double[]> placed = new ArrayList<>(); // anchor x, y and label index of each label drawn
        for (int i = 0; i < labels.size(); i++) {
            String text = labels.get(i).text();
            if (sameLabelNearby(placed, labels, i, anchors[i])) {
                continue;
            }
            placed.add(new double[] {anchors[i][0], anchors[i][1], i});
            double w = textWidth(text, LABEL);
            double h = textHeight(LABEL);
            Rectangle2D best = null;
            double bestOverlap = Double.POSITIVE_INFINITY;
            search:
            for (double distance : new double[] {4, 10, 18, 28, 42, 60}) {
                for (double[] d : directions) {
                    double cx = anchors[i][0] + d[0] * (distance + MARKER_SIZE / 2.0 + w / 2);
                    double cy = anchors[i][1] + d[1] * (distance + h / 2 + 1);
                    Rectangle2D box = new Rectangle2D.Double(cx - w / 2 - 1, cy - h / 2 - 1, w + 2, h + 2);
                    if (!area.contains(box)) {
                        continue;
                    }
                    double overlap = 0;
                    for (Rectangle2D t : taken) {
                        Rectangle2D cut = box.createIntersection(t);
                        overlap += Math.max(0, cut.getWidth()) * Math.max(0, cut.getHeight());
                    }
                    for (Rectangle2D line : lines) {
                        Rectangle2D cut = box.createIntersection(line);
                        overlap += 0.2 * Math.max(0, cut.getWidth()) * Math.max(0, cut.getHeight());
                    }
                    if (overlap < bestOverlap) {
                        best = box;
                        bestOverlap = overlap;
                    }
                    if (overlap == 0) {
                        break search;
                    }
                }
            }
            if (best == null) { // no place inside the image: on the point itself
                best = new Rectangle2D.Double(anchors[i][0] - w / 2, anchors[i][1] - h / 2, w, h);
            }
            taken.add(best);
            // AnnotationText centres its text on (x, y), y counted from the bottom of the image
            chart.addAnnotation(new AnnotationText(text, best.getCenterX(), height - best.getCenterY(), true));
        }
    }

    /**
     * Where labels may go: inside the plot, as far as the axes' set ranges tell (else anywhere in
     * the image but its padding).
     */
    private static Rectangle2D plotArea(Chart<?, ?> chart, int height) {
        double pad = chart.getStyler().getChartPadding();
        Rectangle2D image = new Rectangle2D.Double(pad, 0, chart.getWidth() - 2 * pad, height);
        if (!(chart.getStyler() instanceof AxesChartStyler s) || s.getXAxisMin() == null || s.getXAxisMax() == null
                || s.getYAxisMin() == null || s.getYAxisMax() == null) {
            return image;
        }
        double x0 = chart.getScreenXFromChart(s.getXAxisMin());
        double x1 = chart.getScreenXFromChart(s.getXAxisMax());
        double y0 = chart.getScreenYFromChart(s.getYAxisMax());
        double y1 = chart.getScreenYFromChart(s.getYAxisMin());
        return new Rectangle2D.Double(x0, y0, x1 - x0, y1 - y0).createIntersection(image);
    }

    /**
     * Whether a label with the same text was drawn for a point within a few pixels: e.g. the PTQ
     * and PCQAT points of one sweep setting, which share their cost and nearly their accuracy;
     * one label names both.
     */
    private static boolean sameLabelNearby(List<double[]> placed, List<Label> labels, int i, double[] anchor) {
        for (double[] p : placed) {
            if (labels.get((int) p[2]).text().equals(labels.get(i).text())
                    && Math.hypot(p[0] - anchor[0], p[1] - anchor[1]) <= SAME_LABEL_PIXELS) {
                return true;
            }
        }
        return false;
    }

    /** How close two points with the same label must be drawn to share one label. */
    static final double SAME_LABEL_PIXELS = 14;

    static double textWidth(String text, Font font) {
        return text.isEmpty() ? 0 : new TextLayout(text, font, MEASURE).getBounds().getWidth();
    }

    static double textHeight(Font font) {
        return new TextLayout("Xg", font, MEASURE).getBounds().getHeight();
    }
}
