package org.condition4j.oracle;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the TFLite int8 specification prescribes for a DL4J network, computed in this test from
 * nothing but the network's float parameters and the calibration images: DL4J's own forward pass
 * gives the activation ranges, DL4J's parameter arrays (re-laid out to TFLite's OHWI / [1, kh, kw,
 * channels] / [out, in] order, batch norm folded) give the weights. None of the library's graph,
 * quantization or writer code is used, so a wrong number there cannot hide in the expectation.
 *
 * <p>The spec's rules, as applied here (and by TensorFlow's converter): weights symmetric int8 in
 * [-127, 127], zero point 0, {@code scale = max|w| / 127} per output channel (axis 0 of OHWI,
 * axis 3 of depthwise), or one for the whole tensor; int32 bias {@code round(b / (s_in * s_w))};
 * activations asymmetric int8 over the calibrated range widened to contain 0,
 * {@code scale = (max - min) / 255}, {@code zero point = round(-128 - min / scale)}; pooling and
 * reshape keep their input's parameters; softmax outputs 1/256, -128.
 */
final class Int8Oracle {
    /** One operator the int8 file must hold, in order. */
    sealed interface Expected permits Weighted, SameAsInput, Softmax {
        String op();
    }

    /**
     * A convolution, depthwise convolution or dense op: float weights in TFLite layout, float
     * bias, the channel axis, and the float range its output takes (fused activation included).
     */
    record Weighted(String op, int layer, double[] weights, int[] shape, int channelAxis, double[] bias,
                    double min, double max) implements Expected {
        int channels() {
            return shape[channelAxis];
        }

        int channelOf(int flatIndex) {
            int inner = 1;
            for (int d = channelAxis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
            return (flatIndex / inner) % channels();
        }
    }

    /** Pooling or reshape: output parameters equal to the input's. */
    record SameAsInput(String op) implements Expected {}

    record Softmax() implements Expected {
        public String op() {
            return "SOFTMAX";
        }
    }

    /** Int8 activation parameters as the spec derives them from a float range. */
    record Params(double scale, int zeroPoint) {
        static Params ofRange(double min, double max) {
            double lo = Math.min(0, min);
            double hi = Math.max(0, max);
            double scale = (hi - lo) / 255.0;
            long zp = Math.round(-128 - lo / scale);
            return new Params(scale, (int) Math.max(-128, Math.min(127, zp)));
        }
    }

    final double inputMin;
    final double inputMax;
    final List<Expected> ops;

    private Int8Oracle(double inputMin, double inputMax, List<Expected> ops) {
        this.inputMin = inputMin;
        this.inputMax = inputMax;
        this.ops = ops;
    }

    /** Ranges calibrated by running DL4J on {@code calibration} (the images the exporter calibrated on). */
    static Int8Oracle calibrated(MultiLayerNetwork net, INDArray calibration) {
        return build(net, calibration, null, null);
    }

    /**
     * Ranges given from outside (quantization-aware training): {@code input} and, per DL4J layer
     * index holding weights, the range of the tensor those weights produce ({min, max}).
     * Other ranges (inside a layer that batch norm or an activation layer folds into) come from
     * DL4J's forward pass on {@code images}.
     */
    static Int8Oracle withRanges(MultiLayerNetwork net, INDArray images, double[] input, Map<Integer, double[]> layers) {
        return build(net, images, input, layers);
    }

    Params inputParams() {
        return Params.ofRange(inputMin, inputMax);
    }

    private static Int8Oracle build(MultiLayerNetwork net, INDArray images, double[] inputRange,
                                    Map<Integer, double[]> layerRanges) {
        List<INDArray> acts = net.feedForward(images, false);
        List<Expected> ops = new ArrayList<>();
        Weighted last = null; // the weighted op that batch norm / activation layers fold into
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer conf = net.getLayerWiseConfigurations().getConf(i).getLayer();
            INDArray in = acts.get(i);
            INDArray out = acts.get(i + 1);
            org.deeplearning4j.nn.api.Layer layer = net.getLayer(i);
            Weighted added = null;
            if (conf instanceof SeparableConvolution2D s) {
                ops.add(separableDepthwise(s, layer, in, i));
                added = pointwise(s, layer, out, i);
            } else if (conf instanceof DepthwiseConvolution2D) {
                added = depthwise(layer, out, i);
            } else if (conf instanceof ConvolutionLayer) {
                added = convolution(layer, out, i);
            } else if (conf instanceof BatchNormalization bn) {
                replace(ops, last, last = folded(last, bn, layer, out));
            } else if (conf instanceof ActivationLayer || conf instanceof DropoutLayer) {
                replace(ops, last, last = withRange(last, out));
            } else if (conf instanceof SubsamplingLayer p) {
                ops.add(new SameAsInput(p.getPoolingType() == PoolingType.MAX ? "MAX_POOL_2D"
                        : "AVERAGE_POOL_2D"));
            } else if (conf instanceof GlobalPoolingLayer g) {
                ops.add(new SameAsInput(g.getPoolingType() == PoolingType.MAX ? "MAX_POOL_2D" : "AVERAGE_POOL_2D"));
                ops.add(new SameAsInput("RESHAPE"));
            } else if (conf instanceof OutputLayer || conf instanceof DenseLayer) {
                if (in.rank() == 4) {
                    ops.add(new SameAsInput("RESHAPE"));
                }
                INDArray flat = in.rank() == 4 ? in.reshape('c', in.size(0), in.length() / in.size(0)) : in;
                INDArray range = conf instanceof OutputLayer
                        ? flat.mmul(layer.getParam("W")).addRowVector(layer.getParam("b")) // logits
                        : out;
                added = dense(layer, in, range, i);
            } else {
                throw new IllegalArgumentException("The oracle has no rule for layer " + i + " " + conf);
            }
            if (added != null) {
                ops.add(added);
                last = added;
            }
            if (conf instanceof OutputLayer) {
                ops.add(new Softmax());
            }
        }
        double inMin = inputRange != null ? inputRange[0] : acts.get(0).minNumber().doubleValue();
        double inMax = inputRange != null ? inputRange[1] : acts.get(0).maxNumber().doubleValue();
        if (layerRanges != null) {
            for (int k = 0; k < ops.size(); k++) {
                if (ops.get(k) instanceof Weighted w && layerRanges.containsKey(w.layer())) {
                    double[] r = layerRanges.get(w.layer());
                    ops.set(k, new Weighted(w.op(), w.layer(), w.weights(), w.shape(), w.channelAxis(), w.bias(),
                            r[0], r[1]));
                }
            }
        }
        return new Int8Oracle(inMin, inMax, ops);
    }

    private static void replace(List<Expected> ops, Weighted old, Weighted now) {
        ops.set(ops.lastIndexOf(old), now);
    }

    /** DL4J conv W [out, in, kh, kw] to TFLite OHWI. */
    private static Weighted convolution(org.deeplearning4j.nn.api.Layer layer, INDArray out, int index) {
        INDArray w = layer.getParam("W");
        int o = (int) w.size(0), c = (int) w.size(1), kh = (int) w.size(2), kw = (int) w.size(3);
        double[] ohwi = new double[o * kh * kw * c];
        for (int a = 0; a < o; a++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int b = 0; b < c; b++) {
                        ohwi[((a * kh + y) * kw + x) * c + b] = w.getDouble(a, b, y, x);
                    }
                }
            }
        }
        return new Weighted("CONV_2D", index, ohwi, new int[] {o, kh, kw, c}, 0, bias(layer, o), min(out), max(out));
    }

    /** DL4J depthwise W [kh, kw, in, multiplier]; output channel {@code in * multiplier + m}, TFLite [1, kh, kw, ch]. */
    private static Weighted depthwise(org.deeplearning4j.nn.api.Layer layer, INDArray out, int index) {
        INDArray w = layer.getParam("W");
        int kh = (int) w.size(0), kw = (int) w.size(1), c = (int) w.size(2), m = (int) w.size(3);
        double[] values = new double[kh * kw * c * m];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int b = 0; b < c; b++) {
                    for (int j = 0; j < m; j++) {
                        values[((y * kw + x) * c + b) * m + j] = w.getDouble(y, x, b, j);
                    }
                }
            }
        }
        return new Weighted("DEPTHWISE_CONV_2D", index, values, new int[] {1, kh, kw, c * m}, 3, bias(layer, c * m),
                min(out), max(out));
    }

    /**
     * The depthwise half of a separable convolution (DL4J W [multiplier, in, kh, kw], no bias).
     * DL4J does not expose its output, so its range comes from a direct computation here.
     */
    private static Weighted separableDepthwise(SeparableConvolution2D s, org.deeplearning4j.nn.api.Layer layer,
                                               INDArray in, int index) {
        INDArray w = layer.getParam("W");
        int m = (int) w.size(0), c = (int) w.size(1), kh = (int) w.size(2), kw = (int) w.size(3);
        double[] values = new double[kh * kw * c * m];
        for (int j = 0; j < m; j++) {
            for (int b = 0; b < c; b++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        values[((y * kw + x) * c + b) * m + j] = w.getDouble(j, b, y, x);
                    }
                }
            }
        }
        double[] range = depthwiseRange(in, values, kh, kw, c, m,
                s.getStride(), s.getConvolutionMode());
        return new Weighted("DEPTHWISE_CONV_2D", index, values, new int[] {1, kh, kw, c * m}, 3, new double[c * m],
                range[0], range[1]);
    }

    /** Min and max over all images of a bias-free depthwise convolution of NCHW {@code in}. */
    private static double[] depthwiseRange(INDArray in, double[] w, int kh, int kw, int c, int m, int[] stride,
                                           ConvolutionMode mode) {
        int n = (int) in.size(0), h = (int) in.size(2), wd = (int) in.size(3);
        int sh = stride[0], sw = stride[1];
        int oh, ow, padTop, padLeft;
        if (mode == ConvolutionMode.Same) {
            oh = (h + sh - 1) / sh;
            ow = (wd + sw - 1) / sw;
            padTop = Math.max(0, (oh - 1) * sh + kh - h) / 2;
            padLeft = Math.max(0, (ow - 1) * sw + kw - wd) / 2;
        } else {
            oh = (h - kh) / sh + 1;
            ow = (wd - kw) / sw + 1;
            padTop = 0;
            padLeft = 0;
        }
        float[] x = in.dup('c').data().asFloat();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < c; b++) {
                for (int j = 0; j < m; j++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            double sum = 0;
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * sh + ky - padTop;
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * sw + kx - padLeft;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        sum += x[((i * c + b) * h + iy) * wd + ix] * w[((ky * kw + kx) * c + b) * m + j];
                                    }
                                }
                            }
                            lo = Math.min(lo, sum);
                            hi = Math.max(hi, sum);
                        }
                    }
                }
            }
        }
        return new double[] {lo, hi};
    }

    /** The pointwise half of a separable convolution: DL4J pW [out, in, 1, 1] is already OHWI. */
    private static Weighted pointwise(SeparableConvolution2D s, org.deeplearning4j.nn.api.Layer layer, INDArray out,
                                      int index) {
        INDArray w = layer.getParam("pW");
        int o = (int) w.size(0), c = (int) w.size(1);
        double[] values = new double[o * c];
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < c; b++) {
                values[a * c + b] = w.getDouble(a, b, 0, 0);
            }
        }
        return new Weighted("CONV_2D", index, values, new int[] {o, 1, 1, c}, 0, bias(layer, o), min(out), max(out));
    }

    /**
     * DL4J dense W [in, out] to TFLite [out, in]. After an image, DL4J flattens channel-major
     * (c, y, x) while the TFLite tensor is channel-last (y, x, c): the columns are re-ordered.
     */
    private static Weighted dense(org.deeplearning4j.nn.api.Layer layer, INDArray in, INDArray range, int index) {
        INDArray w = layer.getParam("W");
        int inputs = (int) w.size(0), o = (int) w.size(1);
        double[] values = new double[o * inputs];
        for (int j = 0; j < inputs; j++) {
            int row = j;
            if (in.rank() == 4) {
                int c = (int) in.size(1), h = (int) in.size(2), wd = (int) in.size(3);
                int channel = j % c, pixel = j / c;
                row = channel * h * wd + pixel;
            }
            for (int a = 0; a < o; a++) {
                values[a * inputs + j] = w.getDouble(row, a);
            }
        }
        return new Weighted("FULLY_CONNECTED", index, values, new int[] {o, inputs}, 0, bias(layer, o), min(range),
                max(range));
    }

    /** Batch norm folded into the op before it: per channel {@code f = gamma / sqrt(var + eps)}. */
    private static Weighted folded(Weighted w, BatchNormalization bn, org.deeplearning4j.nn.api.Layer layer,
                                   INDArray out) {
        int channels = w.channels();
        double[] f = new double[channels];
        double[] bias = new double[channels];
        for (int c = 0; c < channels; c++) {
            double gamma = layer.getParam("gamma").getDouble(c);
            double beta = layer.getParam("beta").getDouble(c);
            double mean = layer.getParam("mean").getDouble(c);
            // DL4J keeps log10 of the standard deviation by default (useLogStd), else the variance
            double var = bn.isUseLogStd() ? Math.pow(100, layer.getParam("log10stdev").getDouble(c))
                    : layer.getParam("var").getDouble(c);
            f[c] = gamma / Math.sqrt(var + bn.getEps());
            bias[c] = (w.bias()[c] - mean) * f[c] + beta;
        }
        double[] weights = w.weights().clone();
        for (int k = 0; k < weights.length; k++) {
            weights[k] *= f[w.channelOf(k)];
        }
        return new Weighted(w.op(), w.layer(), weights, w.shape(), w.channelAxis(), bias, min(out), max(out));
    }

    private static Weighted withRange(Weighted w, INDArray out) {
        return new Weighted(w.op(), w.layer(), w.weights(), w.shape(), w.channelAxis(), w.bias(), min(out), max(out));
    }

    private static double[] bias(org.deeplearning4j.nn.api.Layer layer, int channels) {
        INDArray b = layer.getParam("b");
        double[] bias = new double[channels];
        for (int c = 0; b != null && c < channels; c++) {
            bias[c] = b.getDouble(c);
        }
        return bias;
    }

    private static double min(INDArray a) {
        return a.minNumber().doubleValue();
    }

    private static double max(INDArray a) {
        return a.maxNumber().doubleValue();
    }
}
