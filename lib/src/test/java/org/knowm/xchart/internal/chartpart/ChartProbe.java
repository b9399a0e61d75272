package org.knowm.xchart.internal.chartpart;

import org.knowm.xchart.style.AxesChartStyler;

import java.awt.geom.Rectangle2D;
import java.util.List;

/**
 * Reads what XChart laid out in its last paint (legend box, plot area, axis ranges, tick labels),
 * which it keeps package-private: tests check the drawn chart, not the settings that asked for it.
 * Test code only, in XChart's package for that reason.
 */
public final class ChartProbe {
    private ChartProbe() {}

    /** The legend box as drawn, in image pixels; null where no legend was drawn. */
    public static Rectangle2D legend(Chart<?, ?> chart) {
        if (!chart.getStyler().isLegendVisible()) {
            return null;
        }
        Legend_<?, ?> legend = chart.getLegend();
        Rectangle2D size = legend.getBounds();
        return new Rectangle2D.Double(legend.xOffset, legend.yOffset, size.getWidth(), size.getHeight());
    }

    /** The plot area, in image pixels. */
    public static Rectangle2D plot(Chart<?, ?> chart) {
        return chart.getPlot().getBounds();
    }

    public static double xMin(Chart<?, ?> chart) {
        return chart.getXAxis().getMin();
    }

    public static double xMax(Chart<?, ?> chart) {
        return chart.getXAxis().getMax();
    }

    public static double yMin(Chart<?, ?> chart) {
        return chart.getYAxis().getMin();
    }

    public static double yMax(Chart<?, ?> chart) {
        return chart.getYAxis().getMax();
    }

    /** The x axis tick labels as drawn (the ones inside the axis). */
    public static List<String> xTickLabels(Chart<?, ?> chart) {
        return visible(chart.getXAxis(), chart.getXAxis().getBounds().getWidth());
    }

    public static List<String> yTickLabels(Chart<?, ?> chart) {
        return visible(chart.getYAxis(), chart.getYAxis().getBounds().getHeight());
    }

    private static List<String> visible(Axis axis, double extent) {
        AxisTickCalculator ticks = axis.getAxisTickCalculator();
        List<String> labels = new java.util.ArrayList<>();
        for (int i = 0; i < ticks.getTickLabels().size(); i++) {
            double at = ticks.getTickLocations().get(i);
            if (at >= 0 && at <= extent && ticks.getTickLabels().get(i) != null) {
                labels.add(ticks.getTickLabels().get(i));
            }
        }
        return labels;
    }

    /**
     * The x tick labels XChart draws, by its own rule: inside the axis, and (turned as the styler
     * says) not crossing the image's left or right edge, where it leaves a label out.
     */
    public static List<String> xTickLabelsDrawn(Chart<?, ?> chart) {
        AxesChartStyler styler = (AxesChartStyler) chart.getStyler();
        Axis<?, ?> axis = chart.getXAxis();
        double left = axis.getBounds().getX();
        double width = axis.getBounds().getWidth();
        AxisTickCalculator ticks = axis.getAxisTickCalculator();
        List<String> drawn = new java.util.ArrayList<>();
        for (int i = 0; i < ticks.getTickLabels().size(); i++) {
            String label = ticks.getTickLabels().get(i);
            double at = left + ticks.getTickLocations().get(i);
            if (label == null || at <= left || at >= left + width) {
                continue;
            }
            java.awt.Shape shape = new java.awt.font.TextLayout(label, styler.getAxisTickLabelsFont(),
                    new java.awt.font.FontRenderContext(null, true, false)).getOutline(
                    java.awt.geom.AffineTransform.getRotateInstance(-Math.toRadians(styler.getXAxisLabelRotation()), 0, 0));
            double w = shape.getBounds2D().getWidth();
            double x = switch (styler.getXAxisLabelAlignment()) {
                case Left -> at;
                case Right -> at - w;
                default -> at - w / 2;
            };
            if (x > 0 && x + w < chart.getWidth()) {
                drawn.add(label);
            }
        }
        return drawn;
    }

    /** The text of each text annotation (point label), in the order of {@link #annotations}. */
    public static List<String> annotationTexts(Chart<?, ?> chart) {
        List<String> texts = new java.util.ArrayList<>();
        for (ChartPart part : chart.annotations) {
            try {
                java.lang.reflect.Field text = org.knowm.xchart.AnnotationText.class.getDeclaredField("text");
                text.setAccessible(true);
                texts.add((String) text.get(part));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("XChart's AnnotationText has no field 'text' any more", e);
            }
        }
        return texts;
    }

    /** The text annotations' boxes as drawn (point labels), in image pixels. */
    public static List<Rectangle2D> annotations(Chart<?, ?> chart) {
        return chart.annotations.stream().map(ChartPart::getBounds).toList();
    }
}
