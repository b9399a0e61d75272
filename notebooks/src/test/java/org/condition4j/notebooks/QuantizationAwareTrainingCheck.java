package org.condition4j.notebooks;

import org.condition4j.workshop.Workshop;
import org.condition4j.model.ModelStore;
import org.condition4j.model.Training;
import org.condition4j.qat.QatModel;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 02_quantization_aware_training: a fully int8 .tflite that is exactly the export of the saved
 * quantization-aware network with its learned ranges, that predicts what that network predicts,
 * and whose accuracy is the one the notebook reported.
 */
final class QuantizationAwareTrainingCheck {
    /**
     * In the small run the QAT int8 model scored 95.35 % on 10,000 test images against 95.33 % for
     * the quantization-aware network itself in float (its fake quantization stripped); losing a
     * point against that would mean the learned ranges or the export went wrong.
     */
    static final double MAX_ACCURACY_LOSS = 0.01;
    /** The saved network and the int8 file picked the same digit on all 10,000 images in the small run. */
    static final double MIN_AGREEMENT = 0.99;

    private QuantizationAwareTrainingCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) throws IOException {
        Path int8File = outputs.resolve("qat_quant_model.tflite");
        Path network = outputs.resolve("qat_model.zip");
        assertTrue(Files.isRegularFile(int8File), "02 did not write " + int8File);
        assertTrue(Files.isRegularFile(network), "02 did not write " + network);

        TfliteModel model = TfliteModel.read(int8File);
        assertEquals("INT8", model.input().type(), "the int8 model's input");
        assertEquals("INT8", model.output().type(), "the int8 model's output");
        for (String weights : model.weightTensorNames()) {
            assertEquals("INT8", model.tensor(weights).type(), weights);
        }

        // The file is the export of the saved network with its learned ranges: nothing recalibrated.
        QatModel qat = QatModel.of(ModelStore.load(network));
        assertArrayEquals(TfliteExport.int8(qat.quantizedGraph()).toBytes(), Files.readAllBytes(int8File),
                "qat_quant_model.tflite is not the export of qat_model.zip with its learned ranges");

        int evalImages = Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("EVAL_LIMIT"));
        DataSet test = Workshop.mnist().testSample(evalImages);
        // the network's predictions, 1,000 images per forward pass (an argMax op per image costs ~1 ms)
        int[] networkPredictions = new int[evalImages];
        for (int from = 0; from < evalImages; from += 1_000) {
            int to = Math.min(evalImages, from + 1_000);
            int[] batch = qat.network().output(test.getFeatures().get(NDArrayIndex.interval(from, to))).argMax(1).toIntVector();
            System.arraycopy(batch, 0, networkPredictions, from, to - from);
        }
        TfliteInterpreter.Evaluation int8 = Workshop.liteRt().evaluate(int8File, test);
        int sameClass = 0;
        for (int i = 0; i < int8.images(); i++) {
            sameClass += int8.predictions()[i] == networkPredictions[i] ? 1 : 0;
        }
        double int8Accuracy = int8.accuracy();
        Metrics metrics = Metrics.read(Metrics.fileFor(int8File));
        assertEquals(int8Accuracy, metrics.number(MetricKey.INT8_ACCURACY).orElseThrow(), 1e-12,
                "the notebook's int8 accuracy differs from the written model's");
        assertEquals(evalImages, metrics.number(MetricKey.EVAL_IMAGES).orElseThrow().intValue());
        double agreement = (double) sameClass / evalImages;
        assertEquals(agreement, metrics.number(MetricKey.QAT_NETWORK_AGREEMENT).orElseThrow(), 1e-12,
                "the notebook's agreement differs from the saved network's");
        assertTrue(agreement >= MIN_AGREEMENT, "the int8 file and the network agree on only " + agreement);
        // float_accuracy is the quantization-aware network's own (its fake quantization stripped), measured by
        // DL4J on the same test images as the int8 file: not the float baseline's
        double floatAccuracy = Training.accuracy(qat.strip(), Workshop.mnist().test(1_000, evalImages));
        assertEquals(floatAccuracy, metrics.number(MetricKey.FLOAT_ACCURACY).orElseThrow(), 1e-9,
                "the notebook's float accuracy is not the stripped quantization-aware network's");
        assertTrue(metrics.number(MetricKey.FLOAT_ACCURACY.intervalLow()).isPresent(), "no interval for the float accuracy");
        assertTrue(floatAccuracy - int8Accuracy <= MAX_ACCURACY_LOSS,
                "QAT int8 accuracy " + int8Accuracy + " lost more than " + MAX_ACCURACY_LOSS + " against float " + floatAccuracy);
        assertTrue(metrics.number(MetricKey.BASELINE_INT8_ACCURACY).isPresent(), "no post-training int8 accuracy to compare with");
    }
}
