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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast int8 evaluation (LiteRT, XNNPACK, one process call) agrees with the independent integer
 * reference (which the TFLite 2.6 interpreter matches bit for bit) on the seed CNN: every image's
 * predicted class is the same, and the int8 logits are identical except for rare one-step
 * differences, because XNNPACK requantizes in float32 (measured: 2 of 10,000 logits on 1,000 images).
 */
class LiteRtEvaluationTest {
    private static final int IMAGES = 1000;

    @Test
    void seedCnnLogitsAndPredictionsEqualTheIntegerReference(@TempDir Path dir) {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.seedCnn());
        QuantizedGraph q = PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(100));
        DataSet test = TestNetworks.mnist().testSample(IMAGES);
        float[][] features = test.getFeatures().toFloatMatrix();
        float[][] nhwc = graph.inputs(test.getFeatures());
        int[] labels = test.getLabels().argMax(1).toIntVector();
        int logitsIndex = graph.ops().size() - 1; // the tensor before the softmax
        IntegerReference reference = new IntegerReference(q);

        Path logitsFile = TfliteExport.int8(q.prefix(logitsIndex)).writeTo(dir.resolve("logits.tflite"));
        byte[] logits = Workshop.liteRt().run(logitsFile, encoded(logitsFile, features), LiteRt.Kernels.XNNPACK).bytes();
        int classes = logits.length / IMAGES;
        int[] referencePredictions = new int[IMAGES];
        int differing = 0;
        for (int i = 0; i < IMAGES; i++) {
            int[] want = reference.run(nhwc[i])[logitsIndex];
            assertEquals(classes, want.length);
            for (int c = 0; c < classes; c++) {
                int step = Math.abs(logits[i * classes + c] - want[c]);
                assertTrue(step <= 1, "image " + i + " class " + c + ": LiteRT " + logits[i * classes + c]
                        + ", reference " + want[c]);
                differing += step;
            }
            referencePredictions[i] = argMax(want);
        }
        System.out.printf("LiteRT vs integer reference: %d of %d int8 logits one step apart%n", differing,
                IMAGES * classes);
        assertTrue(differing * 1000 <= IMAGES * classes, differing + " of " + IMAGES * classes + " logits differ");

        Path model = TfliteExport.int8(q).writeTo(dir.resolve("model.tflite"));
        TfliteInterpreter.Evaluation evaluation = Workshop.liteRt().evaluate(model, test);
        assertEquals(IMAGES, evaluation.images());
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(referencePredictions[i], evaluation.predictions()[i], "prediction for image " + i);
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

    private static int argMax(int[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
