package org.condition4j.report;

import org.condition4j.qat.FakeQuantActivation;
import org.condition4j.quantize.ActivationRanges;
import org.condition4j.quantize.Int8Scheme;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Charts of quantization-aware training: what fake quantization does, and the ranges it learns. */
public final class QatReport {
    private QatReport() {}

    /**
     * The activation's fake-quantized output and its straight-through gradient over 1.5 times its
     * range (left), and a close-up of the top of the range (right), where the int8 steps and the
     * clipping show. Both computed by the activation itself (forward pass and backprop).
     */
    public static BufferedImage fakeQuantization(FakeQuantActivation activation) {
        return ChartStyle.row(fakeQuantizationPanels(activation));
    }

    static ChartStyle.Panel[] fakeQuantizationPanels(FakeQuantActivation activation) {
        if (!activation.getRange().hasRange()) {
            throw new IllegalArgumentException("The activation has no range yet; give it one (MovingAverageRange.of)"
                    + " or train it first");
        }
        Int8Scheme.ActivationParams grid = activation.getRange().params();
        double span = grid.max() - grid.min();
        double[] wide = evenly(grid.min() - span / 4, grid.max() + span / 4, 601);
        double[] close = evenly(grid.max() - 0.035 * span, grid.max() + 0.015 * span, 1001);
        double[][] w = forwardAndGradient(activation, wide);
        double[][] c = forwardAndGradient(activation, close);
        Map<String, double[]> wideSeries = new LinkedHashMap<>();
        wideSeries.put("fake_quant(x)", w[0]);
        wideSeries.put("gradient (straight-through)", w[1]);
        Map<String, double[]> closeSeries = new LinkedHashMap<>();
        closeSeries.put("x (no rounding)", close);
        closeSeries.put("fake_quant(x)", c[0]);
        XYChart overview = Charts.lineChart("Fake quantization on [" + Format.number(grid.min()) + ", "
                + Format.number(grid.max()) + "] and its gradient", "input x", "output, gradient", wide, wideSeries);
        XYChart closeUp = Charts.lineChart("Close-up: the last int8 steps", "input x", "output", close, closeSeries);
        return new ChartStyle.Panel[] {new ChartStyle.Panel(overview), new ChartStyle.Panel(closeUp)};
    }

    /**
     * The top of each int8 tensor's range: calibrated after training ({@code calibrationImages}
     * images, post-training quantization) beside learned during quantization-aware training.
     */
    public static BufferedImage rangeTops(List<String> tensors, ActivationRanges calibrated, ActivationRanges learned,
                                          int calibrationImages) {
        return ChartStyle.render(rangeTopChart(tensors, calibrated, learned, calibrationImages));
    }

    static CategoryChart rangeTopChart(List<String> tensors, ActivationRanges calibrated, ActivationRanges learned,
                                       int calibrationImages) {
        List<Double> calibratedMax = new ArrayList<>();
        List<Double> learnedMax = new ArrayList<>();
        for (String t : tensors) {
            calibratedMax.add(calibrated.get(t).max());
            learnedMax.add(learned.get(t).max());
        }
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("calibrated on " + Format.count(calibrationImages) + " images (post-training)", calibratedMax);
        series.put("learned in training (quantization-aware)", learnedMax);
        return Charts.barChart("Top of each int8 tensor's range", "range maximum (activation value)", tensors, series);
    }

    private static double[] evenly(double from, double to, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = from + (to - from) * i / (n - 1);
        }
        return x;
    }

    /** The activation's output for each x and its gradient there (backprop of ones). */
    private static double[][] forwardAndGradient(FakeQuantActivation activation, double[] x) {
        INDArray in = Nd4j.createFromArray(x).castTo(DataType.FLOAT).reshape(1, x.length);
        double[] y = activation.getActivation(in.dup(), false).castTo(DataType.DOUBLE).toDoubleVector();
        double[] g = activation.backprop(in.dup(), Nd4j.onesLike(in)).getFirst().castTo(DataType.DOUBLE)
                .toDoubleVector();
        return new double[][] {y, g};
    }
}
