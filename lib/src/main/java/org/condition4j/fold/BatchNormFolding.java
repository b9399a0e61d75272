package org.condition4j.fold;

import org.condition4j.layers.LayerRegistry;
import org.condition4j.layers.UnsupportedNetworkException;
import org.condition4j.layers.WeightParam;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization folded into the layer before it, before any technique touches the weights.
 * At inference a batch norm layer computes, per channel, {@code gamma * (x - mean) / sqrt(var + eps)
 * + beta}: a factor {@code f = gamma / sqrt(var + eps)} and a shift. Folded into the convolution,
 * depthwise convolution, separable convolution (its pointwise part) or dense layer {@code L} before
 * it, {@code L}'s weights of output channel {@code c} are multiplied by {@code f[c]} and its bias
 * becomes {@code (b[c] - mean[c]) * f[c] + beta[c]} ({@code L} gets a bias if it had none).
 *
 * <pre>{@code
 * MultiLayerNetwork plain = BatchNormFolding.fold(trained);   // same outputs, no BatchNormalization
 * PrunedModel pruned = Pruning.lowMagnitude(plain, schedule);  // acts on the weights that are exported
 * }</pre>
 *
 * <p>The layer before the batch norm must have the identity activation (an activation between the
 * two cannot be folded through); an {@code ActivationLayer} right after the batch norm becomes the
 * folded layer's activation, so {@code conv (identity) → BN → ActivationLayer(relu)} becomes
 * {@code conv (relu)}. DL4J (1.0.0-M2.1) never applies a batch norm layer's own activation
 * function, so neither does the folded network. Other layers are copied as they are; the folded
 * network has a fresh optimizer state, as a newly compiled network does.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {}

    /** Whether {@code net} has a batch normalization layer to fold. */
    public static boolean hasBatchNorm(MultiLayerNetwork net) {
        for (NeuralNetConfiguration c : net.getLayerWiseConfigurations().getConfs()) {
            if (c.getLayer() instanceof BatchNormalization) {
                return true;
            }
        }
        return false;
    }

    /**
     * An equivalent copy of {@code net} without batch normalization layers ({@code net} itself
     * is untouched; a network without any is copied as it is).
     *
     * @throws UnsupportedNetworkException naming the layer and what to change where a batch norm
     *                                     does not follow a layer it can be folded into
     */
    public static MultiLayerNetwork fold(MultiLayerNetwork net) {
        if (net == null || net.params() == null || net.getLayers() == null) {
            throw new IllegalArgumentException("The network is not initialised; call net.init() (or train it) first");
        }
        MultiLayerConfiguration original = net.getLayerWiseConfigurations();
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(original.toJson());
        List<NeuralNetConfiguration> confs = conf.getConfs();
        List<NeuralNetConfiguration> kept = new ArrayList<>();
        Map<Integer, InputPreProcessor> preProcessors = new HashMap<>();
        /* new layer index -> what its parameters become: the original layer's, folded or not */
        Map<Integer, Fold> folds = new LinkedHashMap<>();
        Map<Integer, Integer> sourceOf = new LinkedHashMap<>();
        for (int i = 0; i < confs.size(); i++) {
            Layer layer = confs.get(i).getLayer();
            if (layer instanceof BatchNormalization bn) {
                int target = kept.size() - 1;
                if (folds.containsKey(target)) {
                    throw unsupported(i, bn, "it follows another batch normalization (layer " + folds.get(target).index()
                            + "), which is folded already; remove one of the two");
                }
                requireFoldTarget(net, sourceOf, target, i, bn);
                requireNoPreProcessor(conf, i, bn);
                BaseLayer folded = (BaseLayer) kept.get(target).getLayer();
                boolean activationFollows = i + 1 < confs.size()
                        && confs.get(i + 1).getLayer() instanceof ActivationLayer;
                IActivation activation = new ActivationIdentity();
                if (activationFollows) {
                    requireNoPreProcessor(conf, i + 1, confs.get(i + 1).getLayer());
                    activation = ((ActivationLayer) confs.get(i + 1).getLayer()).getActivationFn();
                }
                folded.setActivationFn(activation);
                setHasBias(folded);
                folds.put(target, new Fold(i, bn));
                if (activationFollows) {
                    i++;
                }
                continue;
            }
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null) {
                preProcessors.put(kept.size(), pre);
            }
            sourceOf.put(kept.size(), i);
            kept.add(confs.get(i));
        }
        conf.setConfs(kept);
        conf.setInputPreProcessors(preProcessors);
        MultiLayerNetwork plain = new MultiLayerNetwork(conf);
        plain.init();
        for (Map.Entry<Integer, Integer> e : sourceOf.entrySet()) {
            int to = e.getKey();
            int from = e.getValue();
            Map<String, INDArray> params = new LinkedHashMap<>();
            net.getLayer(from).paramTable().forEach((key, value) -> params.put(key, value.dup()));
            Fold fold = folds.get(to);
            if (fold != null) {
                fold.apply(net, from, original.getConf(from).getLayer(), params);
            }
            for (Map.Entry<String, INDArray> p : plain.getLayer(to).paramTable().entrySet()) {
                INDArray value = params.get(p.getKey());
                if (value == null || value.length() != p.getValue().length()) {
                    throw new IllegalStateException("Folding produced no parameter '" + p.getKey() + "' of shape "
                            + java.util.Arrays.toString(p.getValue().shape()) + " for layer " + to);
                }
                p.getValue().assign(value.reshape(p.getValue().shape()));
            }
        }
        return plain;
    }

    /** One batch norm layer (index {@code index} of the original network) folded into the layer before it. */
    private record Fold(int index, BatchNormalization bn) {
        void apply(MultiLayerNetwork net, int targetIndex, Layer target, Map<String, INDArray> params) {
            org.deeplearning4j.nn.api.Layer bnLayer = net.getLayer(index);
            double[] gamma = values(bnLayer, "gamma", bn.isLockGammaBeta() ? bn.getGamma() : null);
            double[] beta = values(bnLayer, "beta", bn.isLockGammaBeta() ? bn.getBeta() : null);
            double[] mean = doubles(bnLayer.getParam("mean"));
            int channels = mean.length;
            double[] variance = new double[channels];
            if (bn.isUseLogStd()) {
                double[] log10Std = doubles(bnLayer.getParam("log10stdev"));
                for (int c = 0; c < channels; c++) {
                    double std = Math.pow(10, log10Std[c]);
                    variance[c] = std * std;
                }
            } else {
                variance = doubles(bnLayer.getParam("var"));
            }
            double[] factor = new double[channels];
            for (int c = 0; c < channels; c++) {
                factor[c] = gamma.length == 1 ? gamma[0] : gamma[c];
                factor[c] /= Math.sqrt(variance[c] + bn.getEps());
            }
            List<WeightParam> weights = LayerRegistry.kind(target).orElseThrow().weights();
            WeightParam output = weights.get(weights.size() - 1); // a separable layer's pointwise kernel
            INDArray w = params.get(output.key());
            params.put(output.key(), scaled(w, output.dl4jAxes(), factor));
            INDArray oldBias = params.get("b");
            double[] bias = new double[channels];
            for (int c = 0; c < channels; c++) {
                double b = oldBias == null ? 0 : oldBias.getDouble(c);
                bias[c] = (b - mean[c]) * factor[c] + (beta.length == 1 ? beta[0] : beta[c]);
            }
            params.put("b", Nd4j.createFromArray(bias).castTo(w.dataType()));
        }

        private double[] values(org.deeplearning4j.nn.api.Layer layer, String key, Double locked) {
            return locked != null ? new double[] {locked} : doubles(layer.getParam(key));
        }
    }

    /** {@code w} with every element of output channel c (numbered row-major over {@code axes}) times {@code factor[c]}. */
    private static INDArray scaled(INDArray w, int[] axes, double[] factor) {
        long[] shape = w.shape();
        double[] values = w.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        for (int k = 0; k < values.length; k++) {
            int channel = 0;
            for (int axis : axes) {
                channel = (int) (channel * shape[axis] + (k / strides[axis]) % shape[axis]);
            }
            // in float, as the weights are: the exporter folding an unfolded network computes the same
            values[k] = (float) ((float) values[k] * factor[channel]);
        }
        return Nd4j.create(values, shape, 'c').castTo(w.dataType());
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** Fails unless kept layer {@code target}, the layer before batch norm layer {@code i}, can take it. */
    private static void requireFoldTarget(MultiLayerNetwork net, Map<Integer, Integer> sourceOf, int target, int i,
                                        BatchNormalization bn) {
        String fix = "; batch normalization can only be folded into a ConvolutionLayer, DepthwiseConvolution2D, "
                + "SeparableConvolution2D or DenseLayer right before it";
        if (bn.getCnn2DFormat() != null && bn.getCnn2DFormat() != CNN2DFormat.NCHW) {
            throw unsupported(i, bn, "data format " + bn.getCnn2DFormat() + " is not supported; use NCHW");
        }
        if (target < 0) {
            throw unsupported(i, bn, "it normalizes the network input, which has no layer to fold it into" + fix
                    + "; remove it and normalize the data instead");
        }
        int source = sourceOf.get(target);
        Layer before = net.getLayerWiseConfigurations().getConf(source).getLayer();
        String name = LayerRegistry.describe(source, before);
        boolean foldable = before.getClass() == ConvolutionLayer.class || before.getClass() == DenseLayer.class
                || before.getClass() == DepthwiseConvolution2D.class
                || before.getClass() == SeparableConvolution2D.class;
        if (!foldable) {
            throw unsupported(i, bn, "it follows " + name + fix + "; move it there or remove it");
        }
        IActivation activation = ((BaseLayer) before).getActivationFn();
        if (activation != null && !(activation instanceof ActivationIdentity)) {
            throw unsupported(i, bn, "it follows " + name + " whose activation is " + activation + ", which "
                    + "cannot be folded through; give that layer Activation.IDENTITY and put the activation after "
                    + "the batch norm (an ActivationLayer), then retrain");
        }
    }

    private static void requireNoPreProcessor(MultiLayerConfiguration conf, int i, Layer layer) {
        if (conf.getInputPreProcess(i) != null) {
            throw unsupported(i, layer, "it has the input preprocessor "
                    + conf.getInputPreProcess(i).getClass().getSimpleName() + ", which folding cannot keep; "
                    + "put the batch norm (and its activation) right after the layer it normalizes");
        }
    }

    private static void setHasBias(BaseLayer layer) {
        if (layer instanceof ConvolutionLayer c) {
            c.setHasBias(true);
        } else if (layer instanceof DenseLayer d) {
            d.setHasBias(true);
        }
    }

    private static UnsupportedNetworkException unsupported(int i, Layer layer, String what) {
        return new UnsupportedNetworkException(LayerRegistry.describe(i, layer) + ": " + what);
    }
}
