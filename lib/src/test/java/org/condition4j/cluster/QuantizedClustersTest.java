package org.condition4j.cluster;

import org.condition4j.model.SeedCnn;
import org.condition4j.quantize.Int8Scheme;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the clustering guarantees after the project's int8 weight quantization (symmetric, one
 * scale per output channel of a convolution, one for a dense matrix): at most K values per output
 * channel, but not per convolution layer.
 */
class QuantizedClustersTest {

    @Test
    void perLayerClustersGiveAtMostKInt8ValuesPerChannelAndKTimesTheScalesPerLayer() {
        MultiLayerNetwork clustered = Clustering.cluster(SeedCnn.create(), ClusteringConfig.of(16, CentroidInit.LINEAR))
                .network();
        for (Row row : ClusterStatistics.of(clustered)) {
            String name = row.getString("name");
            assertEquals(16, row.getInt("distinct values"), name);
            assertTrue(row.getInt("max distinct int8 per channel") <= 16, name);
            int scales = distinctChannelScales(clustered, name);
            assertTrue(scales <= 16, name + ": a channel's scale is one of the 16 centroid magnitudes / 127");
            assertTrue(row.getInt("distinct int8") <= Math.min(255, 16 * scales), name);
        }
        Row dense = ClusterStatistics.of(clustered).row(3);
        assertTrue(dense.getInt("distinct int8") <= 16, "one scale for the dense matrix: at most K int8 values");
    }

    /**
     * Two output channels share the four values -1, 0.3, 0.5, 1. In a convolution each channel has
     * its own scale (largest magnitudes 1 and 0.5), so 0.3 and 0.5 become different integers in
     * each: five int8 values. In a dense layer the whole matrix shares one scale: four.
     */
    @Test
    void channelsWithDifferentScalesTurnOneCentroidIntoDifferentIntegers() {
        float[][] channels = {{-1f, 0.3f, 0.5f, 1f}, {0.5f, 0.3f, 0.3f, 0.3f}};
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(1, 1).name("conv").nIn(4).nOut(2).build())
                .layer(new ConvolutionLayer.Builder(1, 1).name("mix").nIn(2).nOut(4).build())
                .layer(new DenseLayer.Builder().name("dense").nIn(4).nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(1, 1, 4))
                .build());
        net.init();
        net.getLayer(0).getParam("W").assign(Nd4j.create(channels).reshape(2, 4, 1, 1)); // [out, in, 1, 1]
        net.getLayer(2).getParam("W").assign(Nd4j.create(channels).transpose());           // [in, out]
        MultiLayerNetwork clustered = Clustering.cluster(net,
                ClusteringConfig.of(4, CentroidInit.KMEANS_PLUS_PLUS).skip(1).skip("out")).network();
        assertEquals(net.getLayer(0).getParam("W"), clustered.getLayer(0).getParam("W"), "4 values stay as they are");
        assertEquals(net.getLayer(2).getParam("W"), clustered.getLayer(2).getParam("W"), "4 values stay as they are");

        Table stats = ClusterStatistics.of(clustered);
        Row conv = stats.row(0);
        assertEquals(4, conv.getInt("distinct values"));
        assertEquals(4, conv.getInt("max distinct int8 per channel"));
        // channel 0 (scale 1/127): -127, 38, 64, 127; channel 1 (scale 0.5/127): 127, 76, 76, 76
        assertEquals(5, conv.getInt("distinct int8"));
        Row dense = stats.row(2);
        // one scale (1/127): -127, 38, 64, 127 and 64, 38, 38, 38
        assertEquals(4, dense.getInt("max distinct int8 per channel"));
        assertEquals(4, dense.getInt("distinct int8"));
    }

    @Test
    void perChannelClustersGiveAtMostKInt8ValuesPerChannel() {
        MultiLayerNetwork clustered = Clustering.cluster(SeedCnn.create(),
                ClusteringConfig.of(6, CentroidInit.DENSITY_BASED).withClustersPerChannel()).network();
        for (Row row : ClusterStatistics.of(clustered)) {
            assertEquals(6, row.getInt("max distinct per channel"), row.getString("name"));
            assertEquals(6, row.getInt("max distinct int8 per channel"), row.getString("name"));
            assertTrue(row.getInt("distinct values") > 6, row.getString("name"));
        }
    }

    /** The int8 scales of a kernel's output channels, counted independently of ClusterStatistics. */
    private static int distinctChannelScales(MultiLayerNetwork net, String layer) {
        var w = net.getLayer(layer).getParam("W");
        float[] values = w.dup('c').data().asFloat();
        boolean dense = w.rank() == 2; // dense [in, out] has one scale, conv [out, in, kh, kw] one per channel
        if (dense) {
            return 1;
        }
        int channels = (int) w.size(0);
        double[] maxAbs = new double[channels];
        for (int i = 0; i < values.length; i++) {
            int channel = i / (values.length / channels);
            maxAbs[channel] = Math.max(maxAbs[channel], Math.abs(values[i]));
        }
        Set<Double> scales = new HashSet<>();
        for (double m : maxAbs) {
            scales.add(Int8Scheme.weightScale(m));
        }
        return scales.size();
    }
}
