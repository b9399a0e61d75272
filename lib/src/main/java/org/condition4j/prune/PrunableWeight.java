package org.condition4j.prune;

import org.condition4j.layers.Capability;
import org.condition4j.layers.LayerRegistry;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * One weight tensor that magnitude pruning may zero: a kernel the {@link LayerRegistry} lists
 * (the "W" of a convolution, depthwise, dense or output layer, both kernels of a separable
 * convolution).
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
        return LayerRegistry.weights(net, Capability.PRUNING).stream().map(PrunableWeight::of).toList();
    }

    /**
     * The prunable weight tensors of layer {@code index}; empty if it has none. Fails for a layer
     * the registry does not let pruning touch.
     */
    static List<PrunableWeight> ofLayer(MultiLayerNetwork net, int index) {
        return LayerRegistry.weights(net, index, Capability.PRUNING).stream().map(PrunableWeight::of).toList();
    }

    private static PrunableWeight of(LayerRegistry.LayerWeight w) {
        return new PrunableWeight(w.layerIndex(), w.layer().getLayerName(), w.layer().getClass().getSimpleName(),
                w.param().key());
    }

    static Layer layerConf(MultiLayerNetwork net, int index) {
        return net.getLayerWiseConfigurations().getConf(index).getLayer();
    }

    /** Whether layer {@code index} has weights magnitude pruning applies to. */
    static boolean isPrunable(MultiLayerNetwork net, int index) {
        return !LayerRegistry.require(net, index, Capability.PRUNING).weights().isEmpty();
    }
}
