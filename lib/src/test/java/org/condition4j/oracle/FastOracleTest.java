package org.condition4j.oracle;

import java.util.Arrays;

import org.condition4j.graph.FloatInference;

import org.condition4j.tflite.IntegerReference;

import org.condition4j.tflite.ErrorBound;

import org.condition4j.testing.TestSeed;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.model.SeedCnn;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.runtime.TfliteInterpreter;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oracle check on untrained networks and random images, without MNIST or training: fast
 * enough for mutation testing ({@code mvn -P mutation}). Batch norm gets random statistics so
 * that folding matters, and the weights are spread over several orders of magnitude per channel
 * so that a scale taken along the wrong axis shows.
 */
class FastOracleTest {
    private static final int IMAGES = 8;

    @Test
    void untrainedEveryLayerNetworkFollowsTheSpec() {
        check(everyLayer(), false);
    }

    @Test
    void untrainedEveryLayerNetworkWithPerTensorScalesFollowsTheSpec() {
        check(everyLayer(), true);
    }

    @Test
    void untrainedSeedCnnFollowsTheSpec() {
        MultiLayerNetwork net = SeedCnn.create(TestSeed.of(SeedCnn.SEED));
        scaleChannels(net);
        check(net, false);
    }

    private static MultiLayerNetwork everyLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(TestNetworks.everyLayerConfiguration());
        net.init();
        Nd4j.getRandom().setSeed(3);
        for (int i = 0; i < net.getnLayers(); i++) {
            var layer = net.getLayer(i);
            if (layer.paramTable().containsKey("gamma")) {
                for (String key : new String[] {"gamma", "beta", "mean"}) {
                    INDArray p = layer.getParam(key);
                    layer.setParam(key, Nd4j.rand(p.dataType(), p.shape()).subi(0.3).muli(2));
                }
                String std = layer.paramTable().containsKey("log10stdev") ? "log10stdev" : "var";
                INDArray p = layer.getParam(std);
                layer.setParam(std, Nd4j.rand(p.dataType(), p.shape()).muli(0.5).subi(0.2));
            }
            if (layer.paramTable().containsKey("b")) {
                INDArray b = layer.getParam("b");
                layer.setParam("b", Nd4j.rand(b.dataType(), b.shape()).subi(0.5).muli(0.2));
            }
        }
        scaleChannels(net);
        return net;
    }

    /** Multiplies output channel c of every 4-d weight by 2^(c mod 4), so channels' scales differ a lot. */
    private static void scaleChannels(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            var layer = net.getLayer(i);
            INDArray w = layer.paramTable().get("W");
            if (w != null && w.rank() == 4) {
                INDArray scaled = w.dup();
                for (int c = 0; c < scaled.size(0); c++) {
                    scaled.slice(c).muli(1 << (c % 4));
                }
                layer.setParam("W", scaled);
            }
        }
    }

    private static void check(MultiLayerNetwork net, boolean perTensor) {
        Nd4j.getRandom().setSeed(11);
        INDArray images = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, IMAGES, 784);
        InferenceGraph graph = InferenceGraph.of(net);
        QuantizedGraph calibrated = PostTrainingQuantization.calibrate(graph, new DataSet(images, null));
        QuantizedGraph q = perTensor ? calibrated.withPerTensorWeights() : calibrated;
        byte[] file = TfliteExport.int8(q).toBytes();
        Int8FileCheck check = Int8FileCheck.of(Int8Oracle.calibrated(net, images), file, perTensor);
        assertTrue(check.mismatches.isEmpty(), String.join("\n", check.mismatches));
        // the same ranges handed in from outside give the same file
        assertArrayEquals(TfliteExport.int8(calibrated).toBytes(),
                TfliteExport.int8(PostTrainingQuantization.withRanges(graph, calibrated.ranges())).toBytes());
        assertRunsAsDl4j(net, images, graph, q, file);
    }

    /**
     * What the oracle does not read, the operators' options (padding, strides, fused activations,
     * pool windows, new shapes, softmax beta) and the graph's wiring, shows when the interpreter
     * runs the files: the float32 file computes DL4J's output to float rounding, the int8 file
     * within what its logits' error allows (one and a half output steps plus half the largest
     * logit error, see {@link ErrorBound}; the int8 logits are the integer reference's, which the
     * interpreter equals bit for bit), and the int8 file with float input/output the same as the
     * int8 file.
     */
    private static void assertRunsAsDl4j(MultiLayerNetwork net, INDArray images, InferenceGraph graph,
                                         QuantizedGraph q, byte[] int8File) {
        float[][] expected = net.output(images, false).toFloatMatrix();
        float[][] features = images.toFloatMatrix();
        try (TfliteInterpreter f = TfliteInterpreter.of(TfliteExport.float32(graph).toBytes(), 1);
             TfliteInterpreter i = TfliteInterpreter.of(int8File, 1);
             TfliteInterpreter io = TfliteInterpreter.of(TfliteExport.int8(q).withFloatInputOutput().toBytes(), 1)) {
            double worst = 0;
            float[][] nhwc = graph.inputs(images);
            int logits = graph.ops().size() - 1;
            IntegerReference reference = new IntegerReference(q);
            FloatInference floats = FloatInference.of(graph);
            for (int n = 0; n < IMAGES; n++) {
                float[] fl = f.run(features[n]);
                float[] in8 = i.run(features[n]);
                assertArrayEquals(in8, io.run(features[n]), "image " + n);
                double[] logitError = ErrorBound.actualError(reference.run(nhwc[n])[logits],
                        floats.runAll(nhwc[n])[logits], q.params(logits));
                double allowed = FLOAT_TOLERANCE + 1.5 / 256 + Arrays.stream(logitError).max().orElseThrow() / 2;
                for (int c = 0; c < expected[n].length; c++) {
                    assertEquals(expected[n][c], fl[c], FLOAT_TOLERANCE, "float file, image " + n);
                    assertEquals(expected[n][c], in8[c], allowed, "int8 file, image " + n);
                    worst = Math.max(worst, Math.abs(expected[n][c] - in8[c]) / allowed);
                }
            }
            System.out.printf("untrained network: |int8 file - DL4J| up to %.2f of what its logits' error allows%n", worst);
        }
    }

    /** Float32 rounding of two implementations of the same network, on probabilities in [0, 1]. */
    private static final double FLOAT_TOLERANCE = 1e-5;
}
