package org.condition4j.prune;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.params.SeparableConvolutionParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * One weight tensor that magnitude pruning may zero: the kernel ("W") of a convolution
 * (including depthwise), dense or output layer, and both kernels of a separable convolution.
 * Biases and batch-normalization parameters are never pruned: they are few, and zeroing them
 * shifts activations instead of removing connections.
 */
record PrunableWeight(int layerIndex, String layerName, String layerType, String parameter) {

    /** The live parameter array inside {@code net} (a view: writing to it changes the network). */
    INDArray values(MultiLayerNetwork net) {
        return net.getLayer(layerIndex).getParam(parameter);
    }

    /** Every prunable weight tensor of {@code net}, in layer order. */
    static List<PrunableWeight> of(MultiLayerNetwork net) {
        List<PrunableWeight> weights = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            weights.addAll(ofLayer(net, i));
        }
        return weights;
    }

    /** The prunable weight tensors of layer {@code index}; empty if it has none. */
    static List<PrunableWeight> ofLayer(MultiLayerNetwork net, int index) {
        Layer conf = layerConf(net, index);
        List<PrunableWeight> weights = new ArrayList<>();
        for (String key : weightKeys(conf)) {
            weights.add(new PrunableWeight(index, conf.getLayerName(), typeOf(conf), key));
        }
        return weights;
    }

    static Layer layerConf(MultiLayerNetwork net, int index) {
        return net.getLayerWiseConfigurations().getConf(index).getLayer();
    }

    static String typeOf(Layer conf) {
        return conf.getClass().getSimpleName();
    }

    /** Whether layer {@code conf} has weights magnitude pruning applies to. */
    static boolean isPrunable(Layer conf) {
        return !weightKeys(conf).isEmpty();
    }

    private static List<String> weightKeys(Layer conf) {
        if (conf instanceof SeparableConvolution2D) {
            return List.of(SeparableConvolutionParamInitializer.DEPTH_WISE_WEIGHT_KEY,
                    SeparableConvolutionParamInitializer.POINT_WISE_WEIGHT_KEY);
        }
        // ConvolutionLayer covers its subclasses: depthwise, 1D, 3D and transposed convolutions.
        if (conf instanceof ConvolutionLayer || conf instanceof DenseLayer || conf instanceof BaseOutputLayer) {
            return List.of(DefaultParamInitializer.WEIGHT_KEY);
        }
        return List.of();
    }
}
