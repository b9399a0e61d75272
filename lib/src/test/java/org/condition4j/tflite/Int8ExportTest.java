package org.condition4j.tflite;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 .tflite, run by the real TFLite interpreter, computes bit for bit what an independent
 * integer implementation ({@link IntegerReference}) computes. Every tensor is checked: the model
 * is exported once per op, cut after that op, so that each intermediate tensor is a model output.
 */
class Int8ExportTest {
    private static final int IMAGES = 100;

    @Test
    void seedCnnInt8TensorsEqualTheIntegerReference() {
        assertBitExact(TestNetworks.seedCnn());
    }

    @Test
    void everyLayerNetworkInt8TensorsEqualTheIntegerReference() {
        assertBitExact(TestNetworks.everyLayer());
    }

    private static void assertBitExact(MultiLayerNetwork net) {
        InferenceGraph graph = InferenceGraph.of(net);
        QuantizedGraph q = PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(100));
        DataSet test = TestNetworks.mnist().testSample(IMAGES);
        float[][] features = test.getFeatures().toFloatMatrix();
        float[][] inputs = graph.inputs(test.getFeatures());
        IntegerReference reference = new IntegerReference(q);
        int[][][] expected = new int[IMAGES][][];
        for (int i = 0; i < IMAGES; i++) {
            expected[i] = reference.run(inputs[i]);
        }
        List<String> mismatches = new ArrayList<>();
        long compared = 0;
        for (int k = 0; k < graph.ops().size(); k++) {
            Op op = graph.op(k);
            if (op instanceof Softmax) {
                continue;
            }
            try (TfliteInterpreter tflite = TfliteInterpreter.of(TfliteExport.int8(q.prefix(k + 1)).toBytes(), 1)) {
                int differing = 0;
                int worst = 0;
                for (int i = 0; i < IMAGES; i++) {
                    byte[] actual = tflite.runRaw(features[i]);
                    int[] want = expected[i][k + 1];
                    assertEquals(want.length, actual.length, op.name());
                    for (int v = 0; v < want.length; v++) {
                        if (actual[v] != want[v]) {
                            differing++;
                            worst = Math.max(worst, Math.abs(actual[v] - want[v]));
                        }
                    }
                    compared += want.length;
                }
                if (differing > 0) {
                    mismatches.add(String.format("op %d %s (%s): %d of %d values differ, by up to %d", k, op.name(),
                            op.getClass().getSimpleName(), differing, IMAGES * expected[0][k + 1].length, worst));
                }
            }
        }
        System.out.printf("%d ops, %d int8 values compared with the reference, %d ops differ%n",
                graph.ops().size(), compared, mismatches.size());
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }
}
