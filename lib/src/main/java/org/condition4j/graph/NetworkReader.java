package org.condition4j.graph;

import org.condition4j.layers.Capability;
import org.condition4j.layers.LayerRegistry;
import org.condition4j.layers.UnsupportedNetworkException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a DL4J {@link MultiLayerNetwork} layer by layer into {@link Op}s: NCHW weights become
 * NHWC/OHWI, batch normalization and activation layers are folded into the convolution or dense
 * layer before them, dropout disappears, the CNN-to-dense flatten becomes a RESHAPE whose
 * following dense layer gets its weight rows re-ordered (DL4J flattens channel-major, TFLite
 * flattens channel-last).
 */
final class NetworkReader {
    private static final String SUPPORTED_ACTIVATIONS = "identity, relu, relu6 (and softmax on a dense or output layer)";

    private final MultiLayerNetwork net;
    private final MultiLayerConfiguration conf;
    private final List<Op> ops = new ArrayList<>();
    private int[] inputShape;
    /** Shape of the current tensor (the last op's output, or the input). */
    private int[] shape;
    /** [h, w, c] of the image that the last RESHAPE flattened, until a dense layer consumes it. */
    private int[] flattenedImage;

    private NetworkReader(MultiLayerNetwork net) {
        this.net = net;
        this.conf = net.getLayerWiseConfigurations();
    }

    static InferenceGraph read(MultiLayerNetwork net) {
        if (net.params() == null || net.params().isEmpty()) {
            throw new IllegalArgumentException("The network has no parameters; call net.init() or train it first");
        }
        return new NetworkReader(net).read();
    }

    private InferenceGraph read() {
        int layers = net.getnLayers();
        for (int i = 0; i < layers; i++) {
            Layer layer = conf.getConf(i).getLayer();
            LayerRegistry.require(i, layer, Capability.EXPORT);
            preProcessor(i, layer, conf.getInputPreProcess(i));
            if (shape == null) {
                startWithoutPreProcessor(i, layer);
            }
            layer(i, layer);
        }
        if (ops.isEmpty()) {
            throw new UnsupportedNetworkException("The network has no layer that becomes an op (only dropout?)");
        }
        return new InferenceGraph(inputShape, ops);
    }

    // ---------------------------------------------------------------- preprocessors and input

    private void preProcessor(int i, Layer layer, InputPreProcessor pre) {
        if (pre == null) {
            return;
        }
        if (pre instanceof FeedForwardToCnnPreProcessor p) {
            int[] image = {1, (int) p.getInputHeight(), (int) p.getInputWidth(), (int) p.getNumChannels()};
            if (shape == null) {
                inputShape = image;
                shape = image;
            } else if (shape.length == 2 && shape[1] == image[1] * image[2] * image[3]
                    && (image[3] == 1 || image[1] * image[2] == 1)) {
                add(new Reshape(layer.getLayerName() + "/reshape", -1, shape, image));
            } else {
                throw unsupported(i, layer, "reshaping " + Arrays.toString(shape) + " to the image "
                        + Arrays.toString(image) + " inside the network is not supported (only at the input, "
                        + "or for a single channel)");
            }
        } else if (pre instanceof CnnToFeedForwardPreProcessor p) {
            if (p.getFormat() != CNN2DFormat.NCHW) {
                throw unsupported(i, layer, "flattening data format " + p.getFormat() + " is not supported; use NCHW");
            }
            requireImage(i, layer);
            int[] image = {shape[1], shape[2], shape[3]};
            add(new Reshape(layer.getLayerName() + "/flatten", -1, shape, new int[] {1, image[0] * image[1] * image[2]}));
            flattenedImage = image;
        } else {
            throw unsupported(i, layer, "input preprocessor " + pre.getClass().getSimpleName()
                    + " is not supported; supported: FeedForwardToCnnPreProcessor (set by "
                    + "InputType.convolutionalFlat) and CnnToFeedForwardPreProcessor");
        }
    }

    private void startWithoutPreProcessor(int i, Layer layer) {
        if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
            inputShape = new int[] {1, (int) ((FeedForwardLayer) layer).getNIn()};
            shape = inputShape;
        } else if (!(layer instanceof DropoutLayer)) {
            throw unsupported(i, layer, "the input image size is unknown; build the network with "
                    + ".setInputType(InputType.convolutionalFlat(height, width, channels))");
        }
    }

    // ---------------------------------------------------------------- layers

    private void layer(int i, Layer layer) {
        if (layer instanceof SeparableConvolution2D c) {
            separable(i, c);
        } else if (layer instanceof DepthwiseConvolution2D c) {
            depthwise(i, c);
        } else if (layer instanceof ConvolutionLayer c) {
            convolution(i, c);
        } else if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
            dense(i, (FeedForwardLayer) layer);
        } else if (layer instanceof SubsamplingLayer s) {
            pooling(i, s);
        } else if (layer instanceof GlobalPoolingLayer g) {
            globalPooling(i, g);
        } else if (layer instanceof BatchNormalization bn) {
            batchNorm(i, bn);
        } else if (layer instanceof ActivationLayer a) {
            activationLayer(i, a);
        } // dropout does nothing at inference
    }

    private void convolution(int i, ConvolutionLayer c) {
        Window window = window(i, c, c.getKernelSize(), c.getStride(), c.getPadding(), c.getDilation(),
                c.getConvolutionMode(), c.getCnn2dDataFormat(), false);
        FusedActivation activation = activation(i, c, c.getActivationFn());
        int[] in = requireImage(i, c);
        float[] w = floats(param(i, "W")); // [out, in, kh, kw]
        int out = (int) c.getNOut();
        int inC = in[3];
        int kh = window.kernelH();
        int kw = window.kernelW();
        float[] ohwi = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int ic = 0; ic < inC; ic++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        ohwi[((o * kh + y) * kw + x) * inC + ic] = w[((o * inC + ic) * kh + y) * kw + x];
                    }
                }
            }
        }
        float[] bias = c.hasBias() ? floats(param(i, "b")) : new float[out];
        add(new Conv2D(c.getLayerName(), i, in, imageOut(in, window, out), window, ohwi, bias, activation));
    }

    private void depthwise(int i, DepthwiseConvolution2D c) {
        Window window = window(i, c, c.getKernelSize(), c.getStride(), c.getPadding(), c.getDilation(),
                c.getConvolutionMode(), c.getCnn2dDataFormat(), false);
        FusedActivation activation = activation(i, c, c.getActivationFn());
        int[] in = requireImage(i, c);
        int channels = in[3] * c.getDepthMultiplier();
        // DL4J's [kh, kw, in, multiplier] flattens exactly like TFLite's [1, kh, kw, in * multiplier]
        float[] w = floats(param(i, "W"));
        float[] bias = c.hasBias() ? floats(param(i, "b")) : new float[channels];
        add(new DepthwiseConv2D(c.getLayerName(), i, in, imageOut(in, window, channels), window,
                c.getDepthMultiplier(), w, bias, activation));
    }

    /** A separable convolution is a depthwise convolution followed by a 1x1 convolution. */
    private void separable(int i, SeparableConvolution2D c) {
        Window window = window(i, c, c.getKernelSize(), c.getStride(), c.getPadding(), c.getDilation(),
                c.getConvolutionMode(), c.getCnn2dDataFormat(), false);
        FusedActivation activation = activation(i, c, c.getActivationFn());
        int[] in = requireImage(i, c);
        int inC = in[3];
        int multiplier = c.getDepthMultiplier();
        int kh = window.kernelH();
        int kw = window.kernelW();
        float[] w = floats(param(i, "W")); // [multiplier, in, kh, kw]
        float[] depthwise = new float[w.length];
        for (int m = 0; m < multiplier; m++) {
            for (int ic = 0; ic < inC; ic++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        depthwise[(y * kw + x) * inC * multiplier + ic * multiplier + m] =
                                w[((m * inC + ic) * kh + y) * kw + x];
                    }
                }
            }
        }
        int[] mid = imageOut(in, window, inC * multiplier);
        add(new DepthwiseConv2D(c.getLayerName() + "/depthwise", -1, in, mid, window, multiplier, depthwise,
                new float[inC * multiplier], FusedActivation.NONE));
        int out = (int) c.getNOut();
        float[] pointwise = floats(param(i, "pW")); // [out, in * multiplier, 1, 1] = OHWI with 1x1 kernel
        float[] bias = c.hasBias() ? floats(param(i, "b")) : new float[out];
        add(new Conv2D(c.getLayerName(), i, mid, new int[] {1, mid[1], mid[2], out},
                new Window(1, 1, 1, 1, Padding.VALID), pointwise, bias, activation));
    }

    private void dense(int i, FeedForwardLayer layer) {
        if (layer instanceof DenseLayer d && d.hasLayerNorm()) {
            throw unsupported(i, layer, "layer normalization is not supported");
        }
        if (shape.length != 2) {
            throw unsupported(i, layer, "expects a flat input but gets " + Arrays.toString(shape)
                    + "; a CnnToFeedForwardPreProcessor (set by setInputType) must flatten it");
        }
        IActivation fn = ((BaseLayer) layer).getActivationFn();
        boolean softmax = fn instanceof ActivationSoftmax;
        FusedActivation activation = softmax ? FusedActivation.NONE : activation(i, layer, fn);
        int in = shape[1];
        int out = (int) layer.getNOut();
        float[] w = floats(param(i, "W")); // [in, out]; row r is DL4J's flat input position r
        float[] weights = new float[out * in];
        for (int j = 0; j < in; j++) {
            int row = dl4jPosition(j);
            for (int o = 0; o < out; o++) {
                weights[o * in + j] = w[row * out + o];
            }
        }
        flattenedImage = null;
        boolean hasBias = layer instanceof DenseLayer d ? d.hasBias() : ((OutputLayer) layer).hasBias();
        float[] b = hasBias ? floats(param(i, "b")) : new float[out];
        String name = layer.getLayerName();
        add(new FullyConnected(softmax ? name + "/logits" : name, softmax ? -1 : i, shape, new int[] {1, out},
                weights, b, activation));
        if (softmax) {
            add(new Softmax(name, i, shape, shape));
        }
    }

    /** Where TFLite's channel-last flat position {@code j} sits in DL4J's channel-major flattening. */
    private int dl4jPosition(int j) {
        if (flattenedImage == null) {
            return j;
        }
        int h = flattenedImage[0];
        int w = flattenedImage[1];
        int c = flattenedImage[2];
        int channel = j % c;
        int pixel = j / c; // y * w + x
        return channel * h * w + pixel;
    }

    private void pooling(int i, SubsamplingLayer s) {
        Pool2D.Kind kind = poolKind(i, s, s.getPoolingType());
        Window window = window(i, s, s.getKernelSize(), s.getStride(), s.getPadding(), s.getDilation(),
                s.getConvolutionMode(), s.getCnn2dDataFormat(), true);
        int[] in = requireImage(i, s);
        if (kind == Pool2D.Kind.AVERAGE && s.isAvgPoolIncludePadInDivisor() && window.padding() == Padding.SAME
                && (needsPadding(in[1], window.kernelH(), window.strideH())
                || needsPadding(in[2], window.kernelW(), window.strideW()))) {
            throw unsupported(i, s, "average pooling with avgPoolIncludePadInDivisor(true) counts padded zeros, "
                    + "which TFLite does not; set avgPoolIncludePadInDivisor(false) or use ConvolutionMode.Truncate");
        }
        add(new Pool2D(s.getLayerName(), i, in, imageOut(in, window, in[3]), kind, window));
    }

    private static boolean needsPadding(int in, int kernel, int stride) {
        return (Padding.SAME.outputSize(in, kernel, stride) - 1) * stride + kernel > in;
    }

    private void globalPooling(int i, GlobalPoolingLayer g) {
        Pool2D.Kind kind = poolKind(i, g, g.getPoolingType());
        int[] dims = g.getPoolingDimensions();
        if (dims != null && !Arrays.equals(dims, new int[] {2, 3})) {
            throw unsupported(i, g, "pooling dimensions " + Arrays.toString(dims) + " are not supported; "
                    + "only the spatial dimensions [2, 3]");
        }
        int[] in = requireImage(i, g);
        Window window = new Window(in[1], in[2], in[1], in[2], Padding.VALID);
        int[] pooled = {1, 1, 1, in[3]};
        if (g.isCollapseDimensions()) {
            add(new Pool2D(g.getLayerName() + "/pool", -1, in, pooled, kind, window));
            add(new Reshape(g.getLayerName(), i, pooled, new int[] {1, in[3]}));
        } else {
            add(new Pool2D(g.getLayerName(), i, in, pooled, kind, window));
        }
    }

    private void batchNorm(int i, BatchNormalization bn) {
        if (shape.length == 4 && bn.getCnn2DFormat() != CNN2DFormat.NCHW) {
            throw unsupported(i, bn, "data format " + bn.getCnn2DFormat() + " is not supported; use NCHW");
        }
        WeightedOp previous = foldTarget(i, bn, "batch normalization");
        int channels = previous.outputChannels();
        float[] gamma = bn.isLockGammaBeta() ? filled(channels, bn.getGamma()) : floats(param(i, "gamma"));
        float[] beta = bn.isLockGammaBeta() ? filled(channels, bn.getBeta()) : floats(param(i, "beta"));
        float[] mean = floats(param(i, "mean"));
        double[] scale = new double[channels];
        if (bn.isUseLogStd()) {
            float[] log10Std = floats(param(i, "log10stdev"));
            for (int c = 0; c < channels; c++) {
                double std = Math.pow(10, log10Std[c]);
                scale[c] = gamma[c] / Math.sqrt(std * std + bn.getEps());
            }
        } else {
            float[] var = floats(param(i, "var"));
            for (int c = 0; c < channels; c++) {
                scale[c] = gamma[c] / Math.sqrt(var[c] + bn.getEps());
            }
        }
        float[] weights = previous.weights().clone();
        int[] ws = previous.weightShape();
        int axis = previous.channelAxis();
        int inner = 1;
        for (int d = axis + 1; d < ws.length; d++) {
            inner *= ws[d];
        }
        for (int k = 0; k < weights.length; k++) {
            weights[k] = (float) (weights[k] * scale[(k / inner) % channels]);
        }
        float[] bias = new float[channels];
        for (int c = 0; c < channels; c++) {
            bias[c] = (float) (((double) previous.bias()[c] - mean[c]) * scale[c] + beta[c]); // in double, as fold.BatchNormFolding
        }
        // DL4J's batch norm layer never applies its activation function (M2.1), so neither do we.
        replaceLast(previous.with(weights, bias, FusedActivation.NONE, bn.getLayerName(), i));
    }

    private void activationLayer(int i, ActivationLayer a) {
        FusedActivation activation = activation(i, a, a.getActivationFn());
        if (activation == FusedActivation.NONE) {
            if (!ops.isEmpty()) {
                replaceLast(ops.get(ops.size() - 1).renamed(a.getLayerName(), i));
            }
            return;
        }
        WeightedOp previous = foldTarget(i, a, "an activation layer");
        replaceLast(previous.with(previous.weights(), previous.bias(), activation, a.getLayerName(), i));
    }

    /** The op before layer {@code i}, which must be a convolution or dense op without activation. */
    private WeightedOp foldTarget(int i, Layer layer, String what) {
        Op last = ops.isEmpty() ? null : ops.get(ops.size() - 1);
        if (last instanceof WeightedOp w && w.activation() == FusedActivation.NONE && last.layer() >= 0) {
            return w;
        }
        throw unsupported(i, layer, what + " can only follow a convolution or dense layer whose activation is "
                + "identity (it is folded into it); here it follows "
                + (last == null ? "the input" : "'" + last.name() + "' (" + last.describe() + ")"));
    }

    // ---------------------------------------------------------------- helpers

    private Window window(int i, Layer layer, int[] kernel, int[] stride, int[] padding, int[] dilation,
                          ConvolutionMode mode, CNN2DFormat format, boolean pooling) {
        if (format != null && format != CNN2DFormat.NCHW) {
            throw unsupported(i, layer, "data format " + format + " is not supported; use NCHW (the default)");
        }
        if (dilation != null && (dilation[0] != 1 || dilation[1] != 1)) {
            String d = dilation[0] == dilation[1] ? String.valueOf(dilation[0]) : dilation[0] + "x" + dilation[1];
            throw unsupported(i, layer, "dilation " + d + " is not supported");
        }
        Padding p;
        if (mode == ConvolutionMode.Same) {
            p = Padding.SAME;
        } else if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
            if (padding != null && (padding[0] != 0 || padding[1] != 0)) {
                throw unsupported(i, layer, "explicit padding " + Arrays.toString(padding) + " is not supported; "
                        + "use ConvolutionMode.Same for SAME padding, or no padding");
            }
            p = Padding.VALID;
        } else {
            throw unsupported(i, layer, "convolution mode " + mode + " is not supported; supported: Same, Truncate, Strict");
        }
        Window window = new Window(kernel[0], kernel[1], stride[0], stride[1], p);
        if (shape != null && shape.length == 4 && (window.outputHeight(shape[1]) < 1 || window.outputWidth(shape[2]) < 1)) {
            throw unsupported(i, layer, (pooling ? "pooling " : "kernel ") + window + " does not fit the input "
                    + Arrays.toString(shape));
        }
        return window;
    }

    private Pool2D.Kind poolKind(int i, Layer layer, PoolingType type) {
        if (type == PoolingType.MAX) {
            return Pool2D.Kind.MAX;
        }
        if (type == PoolingType.AVG) {
            return Pool2D.Kind.AVERAGE;
        }
        throw unsupported(i, layer, "pooling type " + type + " is not supported; supported: MAX, AVG");
    }

    private FusedActivation activation(int i, Layer layer, IActivation fn) {
        if (fn == null || fn instanceof ActivationIdentity) {
            return FusedActivation.NONE;
        }
        if (fn instanceof ActivationReLU6) {
            return FusedActivation.RELU6;
        }
        if (fn instanceof ExportableActivation e) {
            return e.fusedActivation();
        }
        if (fn instanceof ActivationReLU relu && isZero(relu.getThreshold()) && isZero(relu.getNegativeSlope())) {
            if (relu.getMax() == null) {
                return FusedActivation.RELU;
            }
            if (relu.getMax() == 6.0) {
                return FusedActivation.RELU6;
            }
        }
        throw unsupported(i, layer, "activation " + fn + " is not supported; supported: " + SUPPORTED_ACTIVATIONS);
    }

    private static boolean isZero(Double d) {
        return d == null || d == 0.0;
    }

    private int[] requireImage(int i, Layer layer) {
        if (shape == null || shape.length != 4) {
            throw unsupported(i, layer, "expects an image input but gets " + Arrays.toString(shape));
        }
        return shape;
    }

    private static int[] imageOut(int[] in, Window window, int channels) {
        return new int[] {1, window.outputHeight(in[1]), window.outputWidth(in[2]), channels};
    }

    private INDArray param(int i, String key) {
        INDArray p = net.getLayer(i).getParam(key);
        if (p == null) {
            throw new IllegalStateException("layer " + i + " has no parameter '" + key + "'");
        }
        return p;
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static float[] filled(int n, double value) {
        float[] a = new float[n];
        Arrays.fill(a, (float) value);
        return a;
    }

    private void add(Op op) {
        ops.add(op);
        shape = op.outputShape();
    }

    private void replaceLast(Op op) {
        ops.set(ops.size() - 1, op);
        shape = op.outputShape();
    }

    private static UnsupportedNetworkException unsupported(int i, Layer layer, String what) {
        return new UnsupportedNetworkException(LayerRegistry.describe(i, layer) + ": " + what);
    }
}
