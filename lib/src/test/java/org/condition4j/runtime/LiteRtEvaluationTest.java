package org.condition4j.runtime;

import org.condition4j.workshop.Workshop;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.tflite.IntegerReference;
import org.condition4j.tflite.TfliteExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast int8 evaluation (LiteRT, XNNPACK, one process call) computes on 1,000 test images the
 * int8 logits the integer reference of XNNPACK computes, bit for bit (XNNPACK requantizes in
 * float32, see {@link LiteRtKernelsTest}), and predicts a class the exact softmax of those logits
 * puts within two steps of its top: LiteRT's int8 softmax lies within one step of the exact one, so
 * the class it ranks first can trail the exact top by at most two steps (a tie there is broken by
 * rounding). Both hold for any weights.
 */
class LiteRtEvaluationTest {
    private static final int IMAGES = 1000;

    @Test
    void seedCnnLogitsAndPredictionsFollowTheIntegerReference(@TempDir Path dir) {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.seedCnn());
        QuantizedGraph q = PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(100));
        DataSet test = TestNetworks.mnist().testSample(IMAGES);
        float[][] features = test.getFeatures().toFloatMatrix();
        float[][] nhwc = graph.inputs(test.getFeatures());
        int[] labels = test.getLabels().argMax(1).toIntVector();
        int logitsIndex = graph.ops().size() - 1; // the tensor before the softmax
        IntegerReference reference = new IntegerReference(q, IntegerReference.Kernels.XNNPACK);

        Path logitsFile = TfliteExport.int8(q.prefix(logitsIndex)).writeTo(dir.resolve("logits.tflite"));
        byte[] logits = Workshop.liteRt().run(logitsFile, encoded(logitsFile, features), LiteRt.Kernels.XNNPACK).bytes();
        int classes = logits.length / IMAGES;
        int[][] exactSoftmax = new int[IMAGES][];
        for (int i = 0; i < IMAGES; i++) {
            int[] want = reference.run(nhwc[i])[logitsIndex];
            assertEquals(classes, want.length);
            for (int c = 0; c < classes; c++) {
                assertEquals(want[c], logits[i * classes + c], "image " + i + " class " + c + ": int8 logit");
            }
            exactSoftmax[i] = IntegerReference.exactSoftmax(want, q.params(logitsIndex));
        }

        Path model = TfliteExport.int8(q).writeTo(dir.resolve("model.tflite"));
        TfliteInterpreter.Evaluation evaluation = Workshop.liteRt().evaluate(model, test);
        assertEquals(IMAGES, evaluation.images());
        for (int i = 0; i < IMAGES; i++) {
            int top = Arrays.stream(exactSoftmax[i]).max().orElseThrow();
            int predicted = evaluation.predictions()[i];
            assertTrue(exactSoftmax[i][predicted] >= top - 2, "image " + i + ": LiteRT predicts " + predicted
                    + ", whose exact int8 probability " + exactSoftmax[i][predicted] + " trails the top " + top
                    + " by more than two steps");
            assertEquals(labels[i], evaluation.labels()[i]);
        }
    }

    private static byte[] encoded(Path model, float[][] features) {
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(model)) {
            byte[] first = interpreter.encodeInput(features[0]);
            byte[] all = new byte[first.length * features.length];
            for (int i = 0; i < features.length; i++) {
                System.arraycopy(interpreter.encodeInput(features[i]), 0, all, i * first.length, first.length);
            }
            return all;
        }
    }
}
