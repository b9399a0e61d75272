package org.condition4j.prune;

import org.condition4j.testing.TestSeed;
import org.condition4j.report.Tables;
import org.condition4j.backend.Backend;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which weights are pruned in a network with every kind of prunable and unprunable layer. */
class PrunableLayersTest {
    private static MultiLayerNetwork net;

    @BeforeAll
    static void buildAllKindsOfLayers() {
        Backend.start();
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(TestSeed.of(7))
                .updater(new Adam(0.01))
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(8).activation(Activation.RELU).build())
                // batch norm is refused: it must be folded first (fold.BatchNormFolding); a layer without weights here
                .layer(new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build())
                .layer(new DepthwiseConvolution2D.Builder(3, 3).name("depthwise").depthMultiplier(2)
                        .activation(Activation.RELU).build())
                .layer(new SeparableConvolution2D.Builder(3, 3).name("separable").nOut(12)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(2, 2).name("pool").stride(2, 2).build())
                .layer(new DenseLayer.Builder().name("dense").nOut(20).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 2))
                .build());
        net.init();
        // non-zero biases, so that "left alone" can be seen
        for (int i = 0; i < net.getnLayers(); i++) {
            for (Map.Entry<String, INDArray> p : net.getLayer(i).paramTable().entrySet()) {
                if (!p.getKey().equals("W") && !p.getKey().equals("pW")) {
                    p.getValue().assign(Nd4j.rand(p.getValue().dataType(), p.getValue().shape()).addi(0.5));
                }
            }
        }
    }

    @Test
    void kernelsOfConvolutionsOfEveryKindDenseAndOutputLayersArePrunable() {
        List<String> found = new ArrayList<>();
        for (SparsityStats.Row row : SparsityStats.of(net).rows()) {
            found.add(row.layer() + " " + row.type() + " " + row.parameter());
        }
        assertEquals(List.of("0 ConvolutionLayer W", "2 DepthwiseConvolution2D W", "3 SeparableConvolution2D W",
                "3 SeparableConvolution2D pW", "5 DenseLayer W", "6 OutputLayer W"), found);
    }

    @Test
    void eachKernelReachesTheTargetAndBiasesAreLeftAlone() {
        PrunedModel pruned = Pruning.lowMagnitude(net, PruningSchedule.constant(0.6, 0, 1));
        DataSet batch = randomBatch(16);
        for (int step = 0; step < 3; step++) {
            pruned.network().setListeners(pruned.listeners());
            pruned.network().fit(batch);
        }
        pruned.network().setListeners(new ArrayList<>());
        assertEquals(3, pruned.step());
        for (int i = 0; i < net.getnLayers(); i++) {
            for (Map.Entry<String, INDArray> p : pruned.network().getLayer(i).paramTable().entrySet()) {
                INDArray values = p.getValue();
                long zeros = PruningTest.zeros(values);
                String what = "layer " + i + " " + p.getKey();
                if (p.getKey().equals("W") || p.getKey().equals("pW")) {
                    assertEquals(0.6 * values.length(), zeros, 1.0, what);
                } else {
                    assertEquals(0, zeros, what);
                }
            }
        }
    }

    @Test
    void sparsityTableCountsTheZerosOfEachKernelAndTheTotal() {
        PrunedModel pruned = Pruning.of(net).except("separable")
                .withSchedule("out", PruningSchedule.constant(0.25)).lowMagnitude(PruningSchedule.constant(0.5));
        SparsityStats stats = pruned.sparsity();
        Table table = Tables.of(stats);
        assertEquals(List.of("layer", "name", "type", "parameter", "weights", "zeros", "sparsity %", "target %"),
                table.columnNames());
        assertEquals(stats.rows().size() + 1, table.rowCount());
        long totalWeights = 0;
        long totalZeros = 0;
        for (int r = 0; r < stats.rows().size(); r++) {
            int layer = table.intColumn("layer").get(r);
            String parameter = table.stringColumn("parameter").get(r);
            INDArray values = pruned.network().getLayer(layer).getParam(parameter);
            long zeros = PruningTest.zeros(values);
            assertEquals(values.length(), table.longColumn("weights").get(r));
            assertEquals(zeros, table.longColumn("zeros").get(r));
            assertEquals(100.0 * zeros / values.length(), table.doubleColumn("sparsity %").get(r), 1e-10);
            double target = layer == 3 ? Double.NaN : layer == 6 ? 0.25 : 0.5;
            assertEquals(Double.isNaN(target), table.doubleColumn("target %").isMissing(r), "row " + r);
            if (!Double.isNaN(target)) {
                assertEquals(100 * target, table.doubleColumn("target %").get(r), 0);
            }
            totalWeights += values.length();
            totalZeros += zeros;
        }
        int last = table.rowCount() - 1;
        assertEquals("all prunable", table.stringColumn("name").get(last));
        assertEquals(totalWeights, table.longColumn("weights").get(last));
        assertEquals(totalZeros, table.longColumn("zeros").get(last));
        assertEquals((double) totalZeros / totalWeights, stats.overall(), 1e-12);
        assertEquals(100 * stats.overall(), table.doubleColumn("sparsity %").get(last), 0);
        assertEquals(0, stats.row(3, "pW").zeros());
    }

    @Test
    void magnitudesAreTheAbsoluteValuesOfEveryPrunableWeight() {
        double[] magnitudes = SparsityStats.magnitudes(net);
        List<Double> expected = new ArrayList<>();
        for (SparsityStats.Row row : SparsityStats.of(net).rows()) {
            for (double v : net.getLayer(row.layer()).getParam(row.parameter()).dup().data().asDouble()) {
                expected.add(Math.abs(v));
            }
        }
        assertArrayEquals(expected.stream().mapToDouble(Double::doubleValue).sorted().toArray(),
                java.util.Arrays.stream(magnitudes).sorted().toArray(), 0);
    }

    private static DataSet randomBatch(int n) {
        Nd4j.getRandom().setSeed(1);
        INDArray features = Nd4j.rand(n, 2, 8, 8);
        INDArray labels = Nd4j.zeros(n, 3);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        return new DataSet(features, labels);
    }
}
