package org.condition4j.qat;

import org.condition4j.backend.Backend;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
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
 * Pooling layers keep their input's quantization and need nothing.
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
                    throw new IllegalArgumentException(describe(i, layer) + " already has weight noise ("
                            + weighted.getWeightNoise() + "); remove it, QAT needs that hook for weight quantization");
                }
                weighted.setActivationFn(fakeQuantized(i, layer, weighted.getActivationFn(), i == last, rangeDecay));
                weighted.setWeightNoise(new WeightFakeQuant());
            }
        }
        Layer first = conf.getConf(0).getLayer();
        if (first.getIDropout() != null) {
            throw new IllegalArgumentException(describe(0, first) + " has dropout on the network input ("
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
     * Whether layer {@code index} writes an int8 tensor of its own (a weighted op), as opposed to
     * one that keeps its input's quantization. Any other layer is an error naming it.
     */
    static boolean hasWeights(int index, Layer layer, int lastIndex) {
        Class<?> type = layer.getClass();
        if (type == ConvolutionLayer.class || type == DepthwiseConvolution2D.class || type == DenseLayer.class) {
            return true;
        }
        if (type == OutputLayer.class && index == lastIndex) {
            return true;
        }
        if (type == SubsamplingLayer.class) {
            PoolingType pooling = ((SubsamplingLayer) layer).getPoolingType();
            if (pooling == PoolingType.MAX || pooling == PoolingType.AVG) {
                return false;
            }
            throw new IllegalArgumentException(describe(index, layer) + " uses " + pooling
                    + " pooling; quantization-aware training supports MAX and AVG pooling");
        }
        throw new IllegalArgumentException(describe(index, layer) + " is not supported by quantization-aware "
                + "training; supported: ConvolutionLayer, DepthwiseConvolution2D, DenseLayer, SubsamplingLayer "
                + "(MAX/AVG) and an OutputLayer at the end");
    }

    static String describe(int index, Layer layer) {
        String name = layer.getLayerName() == null ? "" : " \"" + layer.getLayerName() + "\"";
        return "Layer " + index + " (" + layer.getClass().getSimpleName() + name + ")";
    }

    private static IActivation fakeQuantized(int index, Layer layer, IActivation activation, boolean outputLayer,
                                             double decay) {
        if (isFusable(activation)) {
            return new FakeQuantActivation(activation, new MovingAverageRange(decay));
        }
        if (outputLayer && activation.getClass() == ActivationSoftmax.class) {
            return new FakeQuantSoftmax(new MovingAverageRange(decay));
        }
        throw new IllegalArgumentException(describe(index, layer) + " has the activation " + activation
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
            throw new IllegalArgumentException(describe(index, layer) + " is already quantization-aware; "
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
            WeightFakeQuant.ChannelLayout layout = WeightFakeQuant.ChannelLayout.of(layer);
            long rank = layout == WeightFakeQuant.ChannelLayout.DENSE ? 2 : 4;
            if (w == null || w.rank() != rank || layout.channels(w.shape()) != nOut) {
                throw new IllegalArgumentException(describe(i, layer) + " has weights of shape "
                        + (w == null ? "none" : java.util.Arrays.toString(w.shape())) + ", not the " + layout
                        + " layout with " + nOut + " output channels that per-channel quantization expects");
            }
        }
    }
}
