package org.condition4j.cluster;

import org.condition4j.model.SeedCnn;
import org.condition4j.quantize.Int8Scheme;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import tech.tablesaw.api.Row;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the clustering guarantees after the project's int8 weight quantization (symmetric, one
 * scale per output channel): at most K values per output channel, but not per layer.
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
    }

    /**
     * Two output channels share the four values -1, 0.3, 0.5, 1, but their largest magnitudes
     * (1 and 0.5) differ, so 0.3 and 0.5 become different integers in each: five int8 values.
     */
    @Test
    void channelsWithDifferentScalesTurnOneCentroidIntoDifferentIntegers() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().name("hidden").nIn(4).nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(2).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        net.getLayer(0).getParam("W").assign(Nd4j.create(new float[][] {{-1f, 0.5f}, {0.3f, 0.3f}, {0.5f, 0.3f}, {1f, 0.3f}}));
        MultiLayerNetwork clustered = Clustering.cluster(net,
                ClusteringConfig.of(4, CentroidInit.KMEANS_PLUS_PLUS).skip("out")).network();
        assertEquals(net.getLayer(0).getParam("W"), clustered.getLayer(0).getParam("W"), "4 values stay as they are");

        Row hidden = ClusterStatistics.of(clustered).row(0);
        assertEquals(4, hidden.getInt("distinct values"));
        assertEquals(4, hidden.getInt("max distinct int8 per channel"));
        // channel 0 (scale 1/127): -127, 38, 64, 127; channel 1 (scale 0.5/127): 127, 76, 76, 76
        assertEquals(5, hidden.getInt("distinct int8"));
    }

    @Test
    void perChannelClustersGiveAtMostKInt8ValuesPerChannel() {
        MultiLayerNetwork clustered = Clustering.cluster(SeedCnn.create(),
                ClusteringConfig.of(6, CentroidInit.DENSITY_BASED).perChannel()).network();
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
        boolean dense = w.rank() == 2; // dense [in, out], conv [out, in, kh, kw]
        int channels = (int) (dense ? w.size(1) : w.size(0));
        double[] maxAbs = new double[channels];
        for (int i = 0; i < values.length; i++) {
            int channel = dense ? i % channels : i / (values.length / channels);
            maxAbs[channel] = Math.max(maxAbs[channel], Math.abs(values[i]));
        }
        Set<Double> scales = new HashSet<>();
        for (double m : maxAbs) {
            scales.add(Int8Scheme.weightScale(m));
        }
        return scales.size();
    }
}
