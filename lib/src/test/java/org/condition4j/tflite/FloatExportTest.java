package org.condition4j.tflite;

import org.condition4j.report.Tables;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float32 .tflite, run by the real TFLite interpreter, computes what the DL4J network computes. */
class FloatExportTest {
    private static final int IMAGES = 100;

    @TempDir
    Path dir;

    @Test
    void seedCnnRunsInTheInterpreterAsInDl4j() {
        assertInterpreterMatchesDl4j(TestNetworks.seedCnn(), dir.resolve("seed_float.tflite"));
    }

    @Test
    void everyLayerNetworkRunsInTheInterpreterAsInDl4j() {
        assertInterpreterMatchesDl4j(TestNetworks.everyLayer(), dir.resolve("every_layer_float.tflite"));
    }

    @Test
    void theFileListsTheSeedCnnOpsAndFloatTensors() {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.seedCnn());
        TfliteModel model = TfliteModel.read(TfliteExport.float32(graph).writeTo(dir.resolve("m.tflite")));
        assertEquals(3, model.schemaVersion());
        assertEquals(List.of("CONV_2D", "CONV_2D", "MAX_POOL_2D", "CONV_2D", "MAX_POOL_2D", "RESHAPE",
                "FULLY_CONNECTED", "SOFTMAX"), model.operators().stream().map(TfliteModel.OperatorInfo::op).toList());
        assertTrue(model.tensors().stream().filter(t -> !t.name().endsWith("/shape"))
                .allMatch(t -> t.type().equals("FLOAT32") && !t.isQuantized()));
        assertEquals(List.of(1, 28, 28, 1), java.util.Arrays.stream(model.input().shape()).boxed().toList());
        // the dense weights hold DL4J's rows, re-ordered from channel-major to channel-last
        float[] dense = model.floatValues("dense/logits/weights");
        INDArray w = TestNetworks.seedCnn().getLayer(5).getParam("W"); // [1568, 10], rows c*49 + y*7 + x
        int c = 5, y = 3, x = 4, o = 7;
        assertEquals(w.getFloat(c * 49 + y * 7 + x, o), dense[o * 1568 + (y * 7 + x) * 32 + c]);
        assertEquals(Tables.of(graph).rowCount(), Tables.operators(model).rowCount());
    }

    private static void assertInterpreterMatchesDl4j(MultiLayerNetwork net, Path file) {
        InferenceGraph graph = InferenceGraph.of(net);
        TfliteExport.float32(graph).writeTo(file);
        DataSet test = TestNetworks.mnist().testSample(IMAGES);
        INDArray expected = net.output(test.getFeatures(), false);
        float[][] features = test.getFeatures().toFloatMatrix();
        double worst = 0;
        try (TfliteInterpreter tflite = TfliteInterpreter.open(file)) {
            assertTrue(!tflite.int8Input() && !tflite.int8Output());
            for (int i = 0; i < IMAGES; i++) {
                float[] actual = tflite.run(features[i]);
                float[] want = expected.getRow(i).toFloatVector();
                assertEquals(want.length, actual.length);
                for (int k = 0; k < want.length; k++) {
                    worst = Math.max(worst, Math.abs(actual[k] - want[k]));
                }
            }
        }
        System.out.printf("%s: largest |TFLite - DL4J| over %d images: %.3g%n", file.getFileName(), IMAGES, worst);
        // float rounding only: measured 9.8e-7 (seed CNN) and 2.2e-8 (every-layer network) on 100 images
        assertTrue(worst <= 2e-6, "largest difference between the interpreter and DL4J: " + worst);
    }
}
