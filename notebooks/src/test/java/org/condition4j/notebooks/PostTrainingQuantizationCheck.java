package org.condition4j.notebooks;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.model.ModelStore;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.workshop.RunParameters;
import org.condition4j.workshop.Workshop;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.condition4j.tflite.TfliteModel;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 01_post_training_quantization: a float and a fully int8 .tflite that are exactly the library's
 * exports of the baseline (calibrated on the first CALIBRATION_SAMPLES training images), with the
 * accuracies the notebook reported. That the exporter computes what the int8 specification allows
 * for any weights is the library tests' job (the oracle, Int8ExportTest's error bounds); how much
 * accuracy int8 costs this run's weights is a measurement, not a check.
 */
final class PostTrainingQuantizationCheck {
    private PostTrainingQuantizationCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) throws IOException {
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

        // both files are the exports of baseline.zip, byte for byte: nothing else was written
        InferenceGraph graph = InferenceGraph.of(ModelStore.load(outputs.resolve("baseline.zip")));
        int samples = RunParameters.from(NotebookRunnerTest.SMALL_RUN).calibrationSamples();
        assertArrayEquals(TfliteExport.float32(graph).toBytes(), Files.readAllBytes(floatFile),
                "float_model.tflite is not the float32 export of baseline.zip");
        assertArrayEquals(TfliteExport.int8(PostTrainingQuantization.calibrate(graph,
                        Workshop.mnist().trainSample(samples))).toBytes(), Files.readAllBytes(int8File),
                "post_training_quant_model.tflite is not the int8 export of baseline.zip calibrated on the first "
                        + samples + " training images");

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
        double floor = NotebookChecks.aboveChance(evalImages);
        assertTrue(int8Accuracy > floor, "int8 accuracy " + int8Accuracy + " is no better than guessing (float: "
                + floatAccuracy + ")");
        assertTrue(Files.isRegularFile(Metrics.fileFor(floatFile)), "no metrics for the float model");
    }
}
