package org.condition4j.qat;

import org.condition4j.layers.Capability;
import org.condition4j.layers.LayerKind;
import org.condition4j.layers.LayerRegistry;
import org.condition4j.layers.UnsupportedNetworkException;
import org.condition4j.layers.WeightParam;
import org.condition4j.quantize.WeightQuantization;
import org.condition4j.backend.Backend;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Quantization-aware training: a trained float network gets int8 fake quantization in the
 * places where the exported int8 graph rounds, so that fine-tuning learns weights that survive
 * the rounding and the activation ranges the exporter needs.
 *
 * <pre>{@code
 * QatModel qat = QuantizationAwareTraining.prepare(baseline);
 * Training.of(qat.network()).fit(train, test, 1);
 * TfliteExport.int8(qat.quantizedGraph()).writeTo(file);
 * }</pre>
 *
 * What {@link #prepare} adds, matching TensorFlow's scheme and the exporter:
 * <ul>
 *   <li>weights of convolution, depthwise convolution and dense layers: symmetric int8, one
 *       scale per output channel for convolutions and one per dense layer, as the exporter
 *       does ({@link WeightFakeQuant}); biases stay float;</li>
 *   <li>each such layer's output, after its fused ReLU/ReLU6/identity: asymmetric int8 with a
 *       moving-average range ({@link FakeQuantActivation}); for a softmax output layer, its
 *       logits ({@link FakeQuantSoftmax});</li>
 *   <li>the network input, on the first layer ({@link InputFakeQuant}).</li>
 * </ul>
 * Pooling layers (global pooling too) keep their input's quantization and need nothing. Batch
 * normalization is refused: fold it first ({@code fold.BatchNormFolding}), so that the weights
 * fake-quantized in training are the weights exported.
 */
public final class QuantizationAwareTraining {
    private QuantizationAwareTraining() {}

    /** A quantization-aware copy of {@code net} with the default range decay (0.999); {@code net} is untouched. */
    public static QatModel prepare(MultiLayerNetwork net) {
        return prepare(net, MovingAverageRange.DEFAULT_DECAY);
    }

    /**
     * A quantization-aware copy of {@code net}, whose activation ranges follow the batches with
     * moving averages of decay {@code rangeDecay}. The copy starts from {@code net}'s weights with
     * a fresh optimizer state, as fine-tuning a newly compiled model does.
     */
    public static QatModel prepare(MultiLayerNetwork net, double rangeDecay) {
        return prepare(net, rangeDecay, false);
    }

    /**
     * As {@link #prepare(MultiLayerNetwork, double)}; with {@code perTensorWeights} every weight
     * tensor, convolutions included, is fake-quantized with one scale, and
     * {@link QatModel#quantizedGraph()} exports it so: for clustered networks, whose K centroids
     * per layer then stay K int8 values per layer.
     */
    public static QatModel prepare(MultiLayerNetwork net, double rangeDecay, boolean perTensorWeights) {
        requireInitialised(net);
        new MovingAverageRange(rangeDecay); // validates the decay before any work
        Backend.start();
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        int last = conf.getConfs().size() - 1;
        for (int i = 0; i <= last; i++) {
            Layer layer = conf.getConf(i).getLayer();
            requireNotPrepared(i, layer);
            if (hasWeights(i, layer, last)) {
                BaseLayer weighted = (BaseLayer) layer;
                if (weighted.getWeightNoise() != null) {
                    throw new IllegalArgumentException(LayerRegistry.describe(i, layer) + " already has weight noise ("
                            + weighted.getWeightNoise() + "); remove it, QAT needs that hook for weight quantization");
                }
                weighted.setActivationFn(fakeQuantized(i, layer, weighted.getActivationFn(), i == last, rangeDecay));
                weighted.setWeightNoise(new WeightFakeQuant(perTensorWeights));
            }
        }
        Layer first = conf.getConf(0).getLayer();
        if (first.getIDropout() != null) {
            throw new IllegalArgumentException(LayerRegistry.describe(0, first) + " has dropout on the network input ("
                    + first.getIDropout() + "); remove it, QAT quantizes the input there");
        }
        first.setIDropout(new InputFakeQuant(new MovingAverageRange(rangeDecay)));
        conf.setIterationCount(0);
        conf.setEpochCount(0);

        MultiLayerNetwork qat = new MultiLayerNetwork(conf);
        qat.init(net.params().dup(), false);
        requireChannelLayouts(qat);
        return new QatModel(qat);
    }

    /**
     * Whether layer {@code index} gets fake-quantized weights and output; fails for a layer the
     * {@link LayerRegistry} does not allow quantization-aware training on, for an output layer
     * before the end, and for pooling other than MAX and AVG.
     */
    static boolean hasWeights(int index, Layer layer, int lastIndex) {
        LayerKind kind = LayerRegistry.require(index, layer, Capability.QAT);
        if (layer instanceof OutputLayer && index != lastIndex) {
            throw new UnsupportedNetworkException(LayerRegistry.describe(index, layer) + ": quantization-aware "
                    + "training supports an output layer only at the end of the network");
        }
        PoolingType pooling = layer instanceof SubsamplingLayer pool ? pool.getPoolingType()
                : layer instanceof GlobalPoolingLayer global ? global.getPoolingType() : null;
        if (pooling != null && pooling != PoolingType.MAX && pooling != PoolingType.AVG) {
            throw new UnsupportedNetworkException(LayerRegistry.describe(index, layer) + " uses "
                    + pooling + " pooling; quantization-aware training supports MAX and AVG pooling");
        }
        return !kind.weights().isEmpty();
    }

    private static IActivation fakeQuantized(int index, Layer layer, IActivation activation, boolean outputLayer,
                                             double decay) {
        if (isFusable(activation)) {
            return new FakeQuantActivation(activation, new MovingAverageRange(decay));
        }
        if (outputLayer && activation.getClass() == ActivationSoftmax.class) {
            return new FakeQuantSoftmax(new MovingAverageRange(decay));
        }
        throw new IllegalArgumentException(LayerRegistry.describe(index, layer) + " has the activation " + activation
                + "; quantization-aware training supports relu, relu6 and identity, which the int8 graph fuses "
                + "into the op, and softmax on the output layer");
    }

    private static boolean isFusable(IActivation activation) {
        if (activation instanceof ActivationReLU relu) {
            return relu.getMax() == null && isZeroOrUnset(relu.getThreshold()) && isZeroOrUnset(relu.getNegativeSlope());
        }
        return activation.getClass() == ActivationReLU6.class || activation.getClass() == ActivationIdentity.class;
    }

    private static boolean isZeroOrUnset(Double value) {
        return value == null || value == 0;
    }

    private static void requireInitialised(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("No network given (null)");
        }
        if (net.getLayers() == null || net.params() == null) {
            throw new IllegalArgumentException("The network is not initialised; call net.init() (or train it) first");
        }
    }

    private static void requireNotPrepared(int index, Layer layer) {
        boolean prepared = layer.getIDropout() instanceof InputFakeQuant
                || layer instanceof BaseLayer base && (base.getWeightNoise() instanceof WeightFakeQuant
                || base.getActivationFn() instanceof FakeQuantActivation
                || base.getActivationFn() instanceof FakeQuantSoftmax);
        if (prepared) {
            throw new IllegalArgumentException(LayerRegistry.describe(index, layer) + " is already quantization-aware; "
                    + "use QatModel.of(net) for a network that QuantizationAwareTraining.prepare made");
        }
    }

    /** The per-channel quantizer reads weights in DL4J's standard layouts; anything else is refused. */
    private static void requireChannelLayouts(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayerWiseConfigurations().getConf(i).getLayer();
            if (!(layer instanceof BaseLayer) || !(((BaseLayer) layer).getWeightNoise() instanceof WeightFakeQuant)) {
                continue;
            }
            INDArray w = net.getLayer(i).getParam("W");
            long nOut = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) layer).getNOut();
            WeightParam param = LayerRegistry.weight(layer, "W");
            long rank = param.denseMatrix() ? 2 : 4;
            if (w == null || w.rank() != rank || WeightQuantization.channelCount(w.shape(), param.dl4jAxes()) != nOut) {
                throw new IllegalArgumentException(LayerRegistry.describe(i, layer) + " has weights of shape "
                        + (w == null ? "none" : java.util.Arrays.toString(w.shape())) + ", not the layout " + param
                        + " with " + nOut + " output channels that per-channel quantization expects");
            }
        }
    }
}
