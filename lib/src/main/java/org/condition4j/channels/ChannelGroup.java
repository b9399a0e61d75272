package org.condition4j.channels;

import org.condition4j.channels.ChannelSlice.Role;
import org.condition4j.layers.LayerRegistry;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The output channels of one producing layer (a convolution, separable convolution or dense
 * layer) together with everything that must go when one of them goes: followed through the
 * layers that pass channels on one by one (pooling, batch normalization, activation, dropout,
 * global pooling), through depthwise layers (channel q becomes their channels q*m .. q*m+m-1,
 * which go with it), through the flatten in front of a dense layer (channel q becomes its H*W
 * inputs: q*H*W + s for NCHW, s*C + q for NHWC), up to the next weighted layer, whose inputs for
 * the channel go too. A producer whose channels reach the network's output unread (the output
 * layer's classes) forms no group.
 */
final class ChannelGroup {
    final int producer;
    final int channels;
    final int consumer;
    final List<ChannelSlice> slices;
    /** The layers after the producer whose configured sizes shrink, with units per channel. */
    final List<Resize> resizes;

    /**
     * A layer or preprocessor whose sizes count this group's channels: with r channels removed,
     * its input shrinks by {@code r * inPerChannel} and its output by {@code r * outPerChannel}.
     */
    record Resize(int layer, boolean preprocessor, int inPerChannel, int outPerChannel) {}

    private ChannelGroup(int producer, int channels, int consumer, List<ChannelSlice> slices, List<Resize> resizes) {
        this.producer = producer;
        this.channels = channels;
        this.consumer = consumer;
        this.slices = List.copyOf(slices);
        this.resizes = List.copyOf(resizes);
    }

    /** Every channel group of {@code net}, by producer, in layer order; fails on a layer channel pruning cannot handle. */
    static List<ChannelGroup> of(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        List<ChannelFlow> flows = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            flows.add(ChannelFlow.of(i, conf.getConf(i).getLayer()));
        }
        List<ChannelGroup> groups = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            if (flows.get(i) == ChannelFlow.WEIGHTED) {
                follow(net, flows, i).ifPresent(groups::add);
            }
        }
        return List.copyOf(groups);
    }

    /** The group of producer {@code producer}'s channels, or empty if they reach the network's output. */
    private static Optional<ChannelGroup> follow(MultiLayerNetwork net, List<ChannelFlow> flows, int producer) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        Layer produced = conf.getConf(producer).getLayer();
        int channels = (int) ((FeedForwardLayer) produced).getNOut();
        List<ChannelSlice> slices = new ArrayList<>();
        List<Resize> resizes = new ArrayList<>();
        int[][] own = identity(channels);
        String kernel = produced instanceof SeparableConvolution2D ? "pW" : "W";
        slices.add(new ChannelSlice(producer, kernel, outputAxis(produced), own, Role.OWN));
        bias(net, producer).ifPresent(b -> slices.add(new ChannelSlice(producer, "b", b.rank() - 1, own, Role.OWN)));

        int[][] at = own; // per channel, its coordinates along the channel axis of the current activation
        for (int j = producer + 1; j < net.getnLayers(); j++) {
            InputPreProcessor pre = conf.getInputPreProcess(j);
            if (pre instanceof CnnToFeedForwardPreProcessor flatten) {
                int total = channels * at[0].length;
                if (flatten.getNumChannels() != total) {
                    throw new IllegalStateException("The flatten in front of " + LayerRegistry.describe(net, j)
                            + " expects " + flatten.getNumChannels() + " channels, but " + total + " arrive");
                }
                resizes.add(new Resize(j, true, at[0].length, at[0].length));
                at = flattened(at, total, (int) (flatten.getInputHeight() * flatten.getInputWidth()),
                        flatten.getFormat() == CNN2DFormat.NHWC);
            } else if (pre != null) {
                throw new IllegalArgumentException(LayerRegistry.describe(net, j) + " has a "
                        + pre.getClass().getSimpleName() + " in front; channel pruning follows channels only through "
                        + "the flatten between convolutional and dense layers (CnnToFeedForwardPreProcessor)");
            }
            Layer layer = conf.getConf(j).getLayer();
            int per = at[0].length;
            switch (flows.get(j)) {
                case PER_CHANNEL -> {
                    if (layer instanceof BatchNormalization) {
                        for (String key : net.getLayer(j).paramTable().keySet()) {
                            boolean trained = key.equals("gamma") || key.equals("beta");
                            slices.add(new ChannelSlice(j, key, net.getLayer(j).getParam(key).rank() - 1, at,
                                    trained ? Role.OWN : Role.STATISTICS));
                        }
                    }
                    if (layer instanceof FeedForwardLayer) {
                        resizes.add(new Resize(j, false, per, per));
                    }
                }
                case DEPTHWISE -> {
                    int m = ((DepthwiseConvolution2D) layer).getDepthMultiplier();
                    slices.add(new ChannelSlice(j, "W", 2, at, Role.OWN)); // W is [kH, kW, nIn, m]
                    at = expanded(at, m);
                    INDArray b = net.getLayer(j).paramTable().get("b");
                    if (b != null) {
                        slices.add(new ChannelSlice(j, "b", b.rank() - 1, at, Role.OWN));
                    }
                    resizes.add(new Resize(j, false, per, per * m));
                }
                case WEIGHTED, OUTPUT -> {
                    if (layer instanceof SeparableConvolution2D separable) {
                        // W is [m, nIn, kH, kW]; the pointwise kernel pW [nOut, nIn * m, 1, 1] reads q*m .. q*m+m-1
                        slices.add(new ChannelSlice(j, "W", 1, at, Role.INPUT));
                        slices.add(new ChannelSlice(j, "pW", 1, expanded(at, separable.getDepthMultiplier()), Role.INPUT));
                    } else {
                        slices.add(new ChannelSlice(j, "W", inputAxis(layer), at, Role.INPUT));
                    }
                    resizes.add(new Resize(j, false, per, 0));
                    return Optional.of(new ChannelGroup(producer, channels, j, slices, resizes));
                }
            }
        }
        return Optional.empty();
    }

    /** The producer's name and index for messages and tables. */
    String describe(MultiLayerNetwork net) {
        return LayerRegistry.describe(net, producer);
    }

    private static Optional<INDArray> bias(MultiLayerNetwork net, int layer) {
        return Optional.ofNullable(net.getLayer(layer).paramTable().get("b"));
    }

    /** Convolution kernels are [nOut, nIn, kH, kW], dense ones [nIn, nOut]. */
    private static int outputAxis(Layer layer) {
        return layer instanceof ConvolutionLayer ? 0 : 1;
    }

    private static int inputAxis(Layer layer) {
        return layer instanceof ConvolutionLayer ? 1 : 0;
    }

    private static int[][] identity(int channels) {
        int[][] indices = new int[channels][];
        for (int c = 0; c < channels; c++) {
            indices[c] = new int[] {c};
        }
        return indices;
    }

    /** Each coordinate q becomes q*m .. q*m+m-1. */
    static int[][] expanded(int[][] at, int m) {
        int[][] out = new int[at.length][at[0].length * m];
        for (int c = 0; c < at.length; c++) {
            for (int k = 0; k < at[c].length; k++) {
                for (int j = 0; j < m; j++) {
                    out[c][k * m + j] = at[c][k] * m + j;
                }
            }
        }
        return out;
    }

    /** Each channel coordinate q of a [C, H, W] (or [H, W, C]) map becomes its {@code area} flattened positions. */
    static int[][] flattened(int[][] at, int totalChannels, int area, boolean channelsLast) {
        int[][] out = new int[at.length][at[0].length * area];
        for (int c = 0; c < at.length; c++) {
            for (int k = 0; k < at[c].length; k++) {
                int q = at[c][k];
                for (int s = 0; s < area; s++) {
                    out[c][k * area + s] = channelsLast ? s * totalChannels + q : q * area + s;
                }
            }
        }
        return out;
    }
}
