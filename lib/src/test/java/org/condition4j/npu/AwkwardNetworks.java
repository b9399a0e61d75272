package org.condition4j.npu;

import org.condition4j.testing.TestSeed;
import org.condition4j.graph.TestNetworks;
import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Networks built to hit Ethos-U operator limits (strides, kernel and pool sizes outside them,
 * weights past the per-channel sum, channel counts off the 16-channel bricks), plus the notebook
 * networks. Untrained (initialised with a fixed seed): where Vela places an op depends on its
 * shape, and for the weight sum on its weights, which {@link #uniformWideDense} sets itself.
 */
final class AwkwardNetworks {
    private AwkwardNetworks() {}

    /** Every awkward network by name, then the seed CNN and the every-layer test network (trained). */
    static Map<String, MultiLayerNetwork> all() {
        Map<String, MultiLayerNetwork> nets = new LinkedHashMap<>();
        AWKWARD.forEach((name, network) -> nets.put(name, network.get()));
        nets.put("seed_cnn", TestNetworks.seedCnn());
        nets.put("every_layer", TestNetworks.everyLayer());
        return nets;
    }

    /** One awkward network, built alone (untrained, so no training set and no training time). */
    static MultiLayerNetwork named(String name) {
        Supplier<MultiLayerNetwork> network = AWKWARD.get(name);
        if (network == null) {
            throw new IllegalArgumentException("No awkward network '" + name + "'; there are " + AWKWARD.keySet());
        }
        return network.get();
    }

    /** The awkward networks by name, each built when asked for. */
    private static final Map<String, Supplier<MultiLayerNetwork>> AWKWARD = awkward();

    private static Map<String, Supplier<MultiLayerNetwork>> awkward() {
        Map<String, Supplier<MultiLayerNetwork>> nets = new LinkedHashMap<>();
        nets.put("conv_stride4_padded", () -> image(17, 17, 1,
                conv("conv_s4", 3, 4, 8, ConvolutionMode.Same), output()));
        nets.put("conv_stride4_unpadded", () -> image(16, 16, 1,
                conv("conv_s4_same", 3, 4, 16, ConvolutionMode.Same),
                conv("conv_s4_valid", 4, 4, 16, ConvolutionMode.Truncate), output()));
        nets.put("depthwise_stride4", () -> image(17, 17, 1,
                conv("conv", 3, 1, 16, ConvolutionMode.Same),
                new DepthwiseConvolution2D.Builder(3, 3).name("depthwise_s4").stride(4, 4).depthMultiplier(1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build(),
                output()));
        nets.put("max_pool_stride4_padded", () -> image(18, 18, 1,
                conv("conv", 3, 1, 16, ConvolutionMode.Same),
                pool("maxpool_s4", SubsamplingLayer.PoolingType.MAX, 3, 3, 4, 4, ConvolutionMode.Same),
                pool("maxpool_s4_valid", SubsamplingLayer.PoolingType.MAX, 4, 4, 4, 4, ConvolutionMode.Truncate),
                output()));
        nets.put("average_pool_9x9_padded", () -> image(12, 12, 1,
                conv("conv", 3, 1, 16, ConvolutionMode.Same),
                pool("avgpool_9x9", SubsamplingLayer.PoolingType.AVG, 9, 9, 1, 1, ConvolutionMode.Same),
                pool("avgpool_8x8", SubsamplingLayer.PoolingType.AVG, 8, 8, 1, 1, ConvolutionMode.Same),
                output()));
        nets.put("average_pool_9x9_unpadded", () -> image(18, 18, 1,
                conv("conv", 3, 1, 16, ConvolutionMode.Same),
                pool("avgpool_9x9_s9", SubsamplingLayer.PoolingType.AVG, 9, 9, 9, 9, ConvolutionMode.Same),
                output()));
        nets.put("average_pool_stride5_padded", () -> image(22, 22, 1,
                conv("conv", 3, 1, 16, ConvolutionMode.Same),
                pool("avgpool_s5", SubsamplingLayer.PoolingType.AVG, 3, 3, 5, 5, ConvolutionMode.Same),
                output()));
        nets.put("tall_max_pool", () -> image(260, 2, 1,
                conv("conv", 1, 1, 16, ConvolutionMode.Same),
                pool("maxpool_260", SubsamplingLayer.PoolingType.MAX, 260, 1, 1, 1, ConvolutionMode.Truncate),
                output()));
        nets.put("tall_average_pool", () -> image(257, 3, 1,
                conv("conv", 1, 1, 16, ConvolutionMode.Same),
                pool("avgpool_257", SubsamplingLayer.PoolingType.AVG, 257, 2, 1, 1, ConvolutionMode.Truncate),
                pool("avgpool_1x2", SubsamplingLayer.PoolingType.AVG, 1, 2, 1, 1, ConvolutionMode.Truncate),
                output()));
        nets.put("channels_17_33", () -> image(16, 16, 1,
                conv("conv17", 3, 1, 17, ConvolutionMode.Same),
                conv("conv33", 3, 2, 33, ConvolutionMode.Same),
                pool("maxpool", SubsamplingLayer.PoolingType.MAX, 2, 2, 2, 2, ConvolutionMode.Same),
                new DenseLayer.Builder().name("dense20").nOut(20).activation(Activation.RELU6).build(),
                output()));
        nets.put("large_kernels", () -> image(24, 24, 1,
                conv("conv11", 11, 1, 16, ConvolutionMode.Same),
                conv("conv7_s3", 7, 3, 16, ConvolutionMode.Same),
                output()));
        nets.put("uniform_wide_dense", AwkwardNetworks::uniformWideDense);
        return java.util.Collections.unmodifiableMap(nets);
    }

    /**
     * A dense layer over 65,600 inputs whose weights all have the same magnitude: each output's
     * int8 weights add up to 127 x 65,600, past Vela's limit of 127 x 65,536. Then a small
     * dense layer with the same kind of weights but 64 inputs, which stays within it.
     */
    static MultiLayerNetwork uniformWideDense() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(TestSeed.of(3))
                .weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new DenseLayer.Builder().name("wide").nOut(64).activation(Activation.RELU).build())
                .layer(output())
                .setInputType(InputType.feedForward(65_600)).build());
        net.init();
        net.getLayer(0).getParam("W").assign(0.001);
        net.getLayer(1).getParam("W").assign(-0.01);
        return net;
    }

    private static MultiLayerNetwork image(int height, int width, int channels, Layer... layers) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(TestSeed.of(SeedCnn.SEED))
                .weightInit(WeightInit.XAVIER_UNIFORM).list();
        for (Layer layer : layers) {
            list.layer(layer);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(
                list.setInputType(InputType.convolutionalFlat(height, width, channels)).build());
        net.init();
        return net;
    }

    private static ConvolutionLayer conv(String name, int kernel, int stride, int filters, ConvolutionMode mode) {
        return new ConvolutionLayer.Builder(kernel, kernel).name(name).stride(stride, stride).nOut(filters)
                .convolutionMode(mode).activation(Activation.RELU).build();
    }

    private static SubsamplingLayer pool(String name, SubsamplingLayer.PoolingType type, int kh, int kw, int sh,
                                         int sw, ConvolutionMode mode) {
        return new SubsamplingLayer.Builder(type).name(name).kernelSize(kh, kw).stride(sh, sw)
                .convolutionMode(mode).avgPoolIncludePadInDivisor(false).build();
    }

    private static OutputLayer output() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(10)
                .activation(Activation.SOFTMAX).build();
    }
}
