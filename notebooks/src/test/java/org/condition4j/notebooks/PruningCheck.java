package org.condition4j.notebooks;

import org.condition4j.workshop.Workshop;
import org.condition4j.io.FileSizes;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 03_weight_pruning: an int8 .tflite whose weights are 75 % zeros, counted in the file, that
 * compresses better than the unpruned int8 model and classifies about as well, with metrics
 * that match a fresh measurement.
 */
final class PruningCheck {
    /** The sparsity notebook 03 prunes every layer to. */
    static final double TARGET_SPARSITY = 0.75;

    private PruningCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) {
        Path pruned = outputs.resolve("pruned_post_training_quant_model.tflite");
        Path plain = outputs.resolve("post_training_quant_model.tflite");
        assertTrue(Files.isRegularFile(pruned), "03 did not write " + pruned);
        assertTrue(Files.isRegularFile(plain), "no unpruned int8 model " + plain + " to compare with");

        TfliteModel model = TfliteModel.read(pruned);
        List<String> weightTensors = model.weightTensorNames();
        assertEquals(4, weightTensors.size(), "the seed CNN has three convolutions and one dense layer");
        long weights = 0;
        long zeros = 0;
        for (String tensor : weightTensors) {
            byte[] values = model.int8Values(tensor);
            long tensorZeros = 0;
            for (byte v : values) {
                tensorZeros += v == 0 ? 1 : 0;
            }
            // magnitude pruning keeps a whole number of weights: the target within one weight, no more, no less
            assertTrue(Math.abs(tensorZeros - TARGET_SPARSITY * values.length) <= 1, tensor + " has " + tensorZeros
                    + " int8 zeros of " + values.length + ", not " + TARGET_SPARSITY + " within one weight");
            weights += values.length;
            zeros += tensorZeros;
        }

        Metrics metrics = Metrics.read(Metrics.fileFor(pruned));
        assertEquals((double) zeros / weights, metrics.number(MetricKey.SPARSITY).orElseThrow(), 1e-12,
                "the notebook's sparsity differs from the zeros in the file");

        int evalImages = Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("EVAL_LIMIT"));
        DataSet test = Workshop.mnist().testSample(evalImages);
        double prunedAccuracy;
        double plainAccuracy;
        prunedAccuracy = Workshop.liteRt().evaluate(pruned, test).accuracy();
        plainAccuracy = Workshop.liteRt().evaluate(plain, test).accuracy();
        assertEquals(prunedAccuracy, metrics.number(MetricKey.INT8_ACCURACY).orElseThrow(), 1e-12,
                "the notebook's int8 accuracy differs from the written model's");
        assertEquals(plainAccuracy, metrics.number(MetricKey.BASELINE_INT8_ACCURACY).orElseThrow(), 1e-12,
                "the notebook's unpruned int8 accuracy differs from the unpruned model's");
        assertEquals(evalImages, metrics.number(MetricKey.EVAL_IMAGES).orElseThrow().intValue());
        assertTrue(metrics.number(MetricKey.FLOAT_ACCURACY).isPresent(), "no float accuracy of the pruned network");
        // what pruning costs depends on the weights fine-tuning found; that the pruned file still
        // classifies does not (NotebookChecks.aboveChance)
        assertTrue(prunedAccuracy > NotebookChecks.aboveChance(evalImages), "pruned int8 accuracy " + prunedAccuracy
                + " is no better than guessing (the unpruned int8 model's: " + plainAccuracy + ")");

        long prunedGzip = FileSizes.gzip(pruned);
        long plainGzip = FileSizes.gzip(plain);
        assertEquals(prunedGzip, metrics.number(MetricKey.GZIP_BYTES).orElseThrow().longValue(), "gzip_bytes");
        assertEquals(plainGzip, metrics.number(MetricKey.BASELINE_INT8_GZIP_BYTES).orElseThrow().longValue(),
                "baseline_int8_gzip_bytes");
        // the two files differ only in their weight bytes, 3/4 of which are one value in the pruned file
        assertTrue(prunedGzip < plainGzip, "pruned gzip " + prunedGzip + " bytes is not below unpruned " + plainGzip);

        // Vela's figures were recorded after the notebook's own, not overwritten by them
        assertTrue(metrics.number("vela.ethos-u55-128.encoded_weights_bytes").isPresent(),
                "the compile-for-Ethos-U step recorded no Vela figures");
    }
}
