package org.condition4j.notebooks;

import org.condition4j.workshop.Workshop;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 01_post_training_quantization: a float and a fully int8 .tflite that the interpreter runs, with
 * the accuracies the notebook reported.
 */
final class PostTrainingQuantizationCheck {
    /**
     * In the small run the int8 model scored 93.8 % against float's 93.6 % on 500 test images;
     * one image is 0.2 points, so a correct export stays well inside one point.
     */
    static final double MAX_ACCURACY_LOSS = 0.01;

    private PostTrainingQuantizationCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) {
        Path floatFile = outputs.resolve("float_model.tflite");
        Path int8File = outputs.resolve("post_training_quant_model.tflite");
        assertTrue(Files.isRegularFile(floatFile), "01 did not write " + floatFile);
        assertTrue(Files.isRegularFile(int8File), "01 did not write " + int8File);

        TfliteModel model = TfliteModel.read(int8File);
        assertEquals("INT8", model.input().type(), "the int8 model's input");
        assertEquals("INT8", model.output().type(), "the int8 model's output");
        for (String weights : model.weightTensorNames()) {
            assertEquals("INT8", model.tensor(weights).type(), weights);
        }
        for (String bias : model.biasTensorNames()) {
            assertEquals("INT32", model.tensor(bias).type(), bias);
        }

        int evalImages = Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("EVAL_LIMIT"));
        DataSet test = Workshop.mnist().testSample(evalImages);
        double floatAccuracy;
        double int8Accuracy;
        floatAccuracy = Workshop.liteRt().evaluate(floatFile, test).accuracy();
        int8Accuracy = Workshop.liteRt().evaluate(int8File, test).accuracy();
        Metrics metrics = Metrics.read(Metrics.fileFor(int8File));
        assertEquals(int8Accuracy, metrics.number(MetricKey.INT8_ACCURACY).orElseThrow(), 1e-12,
                "the notebook's int8 accuracy differs from the written model's");
        assertEquals(floatAccuracy, metrics.number(MetricKey.FLOAT_ACCURACY).orElseThrow(), 1e-12,
                "the notebook's float accuracy differs from the written model's");
        assertEquals(evalImages, metrics.number(MetricKey.EVAL_IMAGES).orElseThrow().intValue());
        assertTrue(floatAccuracy - int8Accuracy <= MAX_ACCURACY_LOSS,
                "int8 accuracy " + int8Accuracy + " lost more than " + MAX_ACCURACY_LOSS + " against float " + floatAccuracy);
        assertTrue(Files.isRegularFile(Metrics.fileFor(floatFile)), "no metrics for the float model");
    }
}
