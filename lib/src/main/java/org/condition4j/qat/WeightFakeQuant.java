package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.weightnoise.IWeightNoise;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Int8 fake quantization of a layer's weights, exactly as the exporter quantizes them
 * ({@link Int8Scheme#weightScale}, {@link Int8Scheme#quantizeWeight}: symmetric, [-127, 127],
 * rounding half away from zero, computed in double from the float weights): one scale per output
 * channel for convolutions and depthwise convolutions, one for the whole matrix of a dense
 * layer. Biases stay float; the exporter turns them into int32.
 *
 * <p>It plugs into DL4J's weight-noise hook: in a training step DL4J asks for the weights once,
 * computes the forward pass and the gradient with the returned (quantized) weights and applies
 * that gradient to the float weights, which is the straight-through estimator. At inference the
 * weights are quantized as well, so the network computes what the int8 model will.
 *
 * <p>In a training step it also tells the layer's fake-quantized activation, if any, that a new
 * batch is coming (see {@link MovingAverageRange}). On its own it quantizes weights only.
 */
public final class WeightFakeQuant implements IWeightNoise {

    @Override
    public INDArray getParameter(Layer layer, String paramKey, int iteration, int epoch, boolean train,
                                 LayerWorkspaceMgr workspaceMgr) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        INDArray param = layer.getParam(paramKey);
        if (!conf.initializer().isWeightParam(conf, paramKey)) {
            return param;
        }
        if (train) {
            expectBatch(conf);
        }
        return fakeQuantize(param, ChannelLayout.of(conf));
    }

    /**
     * The weights {@code w} of a layer configured by {@code conf} rounded to their int8 grid:
     * {@code scale * quantizeWeight(w, scale)} with {@code scale = weightScale(max |w|)}, the
     * maximum taken per output channel (convolutions) or over the matrix (dense layers).
     */
    public static INDArray fakeQuantize(INDArray weights, org.deeplearning4j.nn.conf.layers.Layer conf) {
        return fakeQuantize(weights, ChannelLayout.of(conf));
    }

    private static INDArray fakeQuantize(INDArray weights, ChannelLayout layout) {
        long[] shape = weights.shape();
        float[] w = weights.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int channels = layout.channels(shape);
        int inner = layout.inner(shape);
        int groups = layout.scaleCount(channels);
        double[] maxAbs = new double[groups];
        for (int i = 0; i < w.length; i++) {
            int g = group(i, inner, channels, groups);
            maxAbs[g] = Math.max(maxAbs[g], Math.abs((double) w[i]));
        }
        double[] scale = Arrays.stream(maxAbs).map(Int8Scheme::weightScale).toArray();
        for (int i = 0; i < w.length; i++) {
            double s = scale[group(i, inner, channels, groups)];
            w[i] = (float) (s * Int8Scheme.quantizeWeight(w[i], s));
        }
        return Nd4j.create(w, shape, 'c').castTo(weights.dataType());
    }

    /** Which weight scale flat index i uses: its output channel's, or the only one. */
    private static int group(int index, int inner, int channels, int groups) {
        return groups == 1 ? 0 : (index / inner) % channels;
    }

    /** Lets the layer's fake-quantized activation, if it has one, observe the coming training batch. */
    private static void expectBatch(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf instanceof BaseLayer base) {
            if (base.getActivationFn() instanceof FakeQuantActivation activation) {
                activation.getRange().expectBatch();
            } else if (base.getActivationFn() instanceof FakeQuantSoftmax softmax) {
                softmax.getRange().expectBatch();
            }
        }
    }

    /**
     * Where the output channels are in a weight array, seen as {@code [..., channels, inner]} in
     * row-major order: channel of flat index i = (i / inner) % channels.
     */
    enum ChannelLayout {
        /** Convolution weights [out, in, kh, kw]: channels along dimension 0. */
        CONVOLUTION,
        /** Dense weights [in, out]: channels along dimension 1. */
        DENSE,
        /** Depthwise weights [kh, kw, in, multiplier]: output channel in * multiplier + m. */
        DEPTHWISE;

        static ChannelLayout of(org.deeplearning4j.nn.conf.layers.Layer conf) {
            if (conf.getClass() == ConvolutionLayer.class) {
                return CONVOLUTION;
            }
            if (conf.getClass() == DepthwiseConvolution2D.class) {
                return DEPTHWISE;
            }
            if (conf.getClass() == DenseLayer.class || conf.getClass() == OutputLayer.class) {
                return DENSE;
            }
            throw new IllegalArgumentException("No int8 weight layout for " + conf.getClass().getSimpleName()
                    + " (layer " + conf.getLayerName() + ")");
        }

        int channels(long[] shape) {
            return switch (this) {
                case CONVOLUTION -> (int) shape[0];
                case DENSE -> (int) shape[1];
                case DEPTHWISE -> (int) (shape[2] * shape[3]);
            };
        }

        int inner(long[] shape) {
            return this == CONVOLUTION ? (int) (shape[1] * shape[2] * shape[3]) : 1;
        }

        /**
         * How many weight scales the exporter uses: one per output channel for convolutions, a
         * single one for dense layers (TFLite 2.6's int8 FULLY_CONNECTED kernel reads one scale).
         */
        int scaleCount(int channels) {
            return Int8Scheme.weightScaleCount(this == DENSE, channels);
        }
    }

    @Override
    public WeightFakeQuant clone() {
        return new WeightFakeQuant();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightFakeQuant;
    }

    @Override
    public int hashCode() {
        return WeightFakeQuant.class.hashCode();
    }

    @Override
    public String toString() {
        return "int8 weight fake quantization (per channel for convolutions, per tensor for dense layers)";
    }
}
