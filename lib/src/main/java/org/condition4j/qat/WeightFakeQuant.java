package org.condition4j.qat;

import org.condition4j.layers.LayerRegistry;
import org.condition4j.layers.WeightParam;
import org.condition4j.quantize.Int8Scheme;
import org.condition4j.quantize.WeightQuantization;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.weightnoise.IWeightNoise;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Int8 fake quantization of a layer's weights, exactly as the exporter quantizes them (the one
 * routine {@link WeightQuantization}: symmetric, [-127, 127], rounding half away from zero,
 * computed in double from the float weights): one scale per output channel for convolutions and
 * depthwise convolutions, one for the whole matrix of a dense layer; the output-channel axes come
 * from the {@link LayerRegistry}. Biases stay float; the exporter turns them into int32.
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
    /** One scale for the whole tensor, convolutions included (for clustered weights: K centroids stay K int8 values). */
    private boolean perTensor;

    /** Per-channel scales for convolutions, one for dense layers, as the exporter quantizes by default. */
    public WeightFakeQuant() {
        this(false);
    }

    /** With {@code perTensor}, one scale for every weight tensor, as {@code QuantizedGraph.withPerTensorWeights()} exports. */
    public WeightFakeQuant(boolean perTensor) {
        this.perTensor = perTensor;
    }

    public boolean isPerTensor() {
        return perTensor;
    }

    /** For DL4J's configuration JSON. */
    public void setPerTensor(boolean perTensor) {
        this.perTensor = perTensor;
    }

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
        return fakeQuantize(param, LayerRegistry.weight(conf, paramKey), perTensor);
    }

    /**
     * The weights {@code w} of a layer configured by {@code conf} rounded to their int8 grid:
     * {@code scale * quantizeWeight(w, scale)} with {@code scale = weightScale(max |w|)}, the
     * maximum taken per output channel (convolutions) or over the matrix (dense layers).
     */
    public static INDArray fakeQuantize(INDArray weights, org.deeplearning4j.nn.conf.layers.Layer conf) {
        return fakeQuantize(weights, LayerRegistry.weight(conf, "W"), false);
    }

    private static INDArray fakeQuantize(INDArray weights, WeightParam param, boolean perTensor) {
        long[] shape = weights.shape();
        float[] w = weights.castTo(DataType.FLOAT).dup('c').data().asFloat();
        WeightQuantization.Int8Weights q = WeightQuantization.quantize(w,
                WeightQuantization.channelOf(shape, param.dl4jAxes()),
                WeightQuantization.channelCount(shape, param.dl4jAxes()), perTensor || scaleCount(param, shape) == 1);
        for (int i = 0; i < w.length; i++) {
            w[i] = q.dequantized(i);
        }
        return Nd4j.create(w, shape, 'c').castTo(weights.dataType());
    }

    /**
     * How many weight scales the exporter uses for {@code param} of this shape: one per output
     * channel for convolutions, a single one for dense layers (TFLite 2.6's int8 FULLY_CONNECTED
     * kernel reads one scale).
     */
    static int scaleCount(WeightParam param, long[] shape) {
        return Int8Scheme.weightScaleCount(param.denseMatrix(), WeightQuantization.channelCount(shape, param.dl4jAxes()));
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

    @Override
    public WeightFakeQuant clone() {
        return new WeightFakeQuant(perTensor);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightFakeQuant other && other.perTensor == perTensor;
    }

    @Override
    public int hashCode() {
        return WeightFakeQuant.class.hashCode() + (perTensor ? 1 : 0);
    }

    @Override
    public String toString() {
        return perTensor ? "int8 weight fake quantization (one scale per tensor)"
                : "int8 weight fake quantization (per channel for convolutions, per tensor for dense layers)";
    }
}
