package org.condition4j.channels;

import org.condition4j.layers.Capability;
import org.condition4j.layers.LayerRegistry;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

import java.util.Map;

/**
 * How a layer kind carries channels from its input to its output: the part of channel pruning
 * that the registry's weight axes do not say. Whether a kind is supported at all is the
 * registry's answer ({@link Capability#CHANNEL_PRUNING}); every kind it supports has a flow here
 * ({@code ChannelFlowTest} checks both lists against each other).
 */
enum ChannelFlow {
    /** Convolution, separable convolution, dense layer: reads every input channel, makes its own output channels. */
    WEIGHTED,
    /** The output layer: reads every input channel; its outputs are the network's and stay. */
    OUTPUT,
    /** Depthwise convolution: output channel {@code q * m + j} is computed from input channel {@code q} alone. */
    DEPTHWISE,
    /** Pooling, global pooling, batch normalization, activation, dropout: channel c out from channel c in. */
    PER_CHANNEL;

    private static final Map<Class<? extends Layer>, ChannelFlow> BY_CLASS = Map.of(
            ConvolutionLayer.class, WEIGHTED,
            SeparableConvolution2D.class, WEIGHTED,
            DenseLayer.class, WEIGHTED,
            OutputLayer.class, OUTPUT,
            DepthwiseConvolution2D.class, DEPTHWISE,
            SubsamplingLayer.class, PER_CHANNEL,
            GlobalPoolingLayer.class, PER_CHANNEL,
            BatchNormalization.class, PER_CHANNEL,
            ActivationLayer.class, PER_CHANNEL,
            DropoutLayer.class, PER_CHANNEL);

    /** The flow of layer {@code index}, configured by {@code layer}; the registry must support it for channel pruning. */
    static ChannelFlow of(int index, Layer layer) {
        LayerRegistry.require(index, layer, Capability.CHANNEL_PRUNING);
        ChannelFlow flow = known(layer.getClass());
        if (flow == null) {
            throw new IllegalStateException(LayerRegistry.describe(index, layer) + ": the layer registry lets channel "
                    + "pruning handle it, but channel pruning does not know how it carries channels; add it to ChannelFlow");
        }
        return flow;
    }

    /** The flow of a layer class, or null for one channel pruning does not know. */
    static ChannelFlow known(Class<?> type) {
        return BY_CLASS.get(type);
    }
}
