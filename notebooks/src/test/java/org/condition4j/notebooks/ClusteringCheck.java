package org.condition4j.notebooks;

import org.condition4j.io.FileSizes;
import org.condition4j.workshop.Workshop;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 04_weight_clustering: a fully int8 .tflite whose weight tensors keep at most K distinct int8
 * values per output channel, that compresses better than the plain int8 model and classifies as
 * well, with the figures the notebook reported.
 */
final class ClusteringCheck {
    private ClusteringCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) {
        Path clusteredFile = outputs.resolve("clustered_post_training_quant_model.tflite");
        Path plainFile = outputs.resolve("post_training_quant_model.tflite");
        assertTrue(Files.isRegularFile(clusteredFile), "04 did not write " + clusteredFile);
        assertTrue(Files.isRegularFile(plainFile), "no plain int8 model to compare with at " + plainFile);
        Metrics metrics = Metrics.read(Metrics.fileFor(clusteredFile));
        int clusters = metrics.number(MetricKey.CLUSTERS).orElseThrow().intValue();
        assertEquals(16, clusters, "the notebook clusters with 16 centroids, as TensorFlow's example does");

        TfliteModel model = TfliteModel.read(clusteredFile);
        assertEquals("INT8", model.input().type(), "the clustered model's input");
        assertEquals("INT8", model.output().type(), "the clustered model's output");
        assertEquals(4, model.weightTensorNames().size(), "three convolutions and the dense layer");
        for (WeightStatistics.Tensor weights : model.weightStatistics().tensors()) {
            assertEquals("INT8", weights.type(), weights.name());
            assertTrue(weights.maxDistinctPerChannel() <= clusters,
                    weights.name() + " holds " + weights.maxDistinctPerChannel() + " int8 values in one output channel");
            // 04 exports with one scale per tensor (DESIGN.md), so each layer's K centroids stay K int8
            // values; per-channel scales would silently allow up to K per channel
            assertEquals(1, model.tensor(weights.name()).scales().length, weights.name() + " is not per-tensor");
            assertTrue(weights.distinct() <= clusters, weights.name() + " holds " + weights.distinct() + " int8 values");
        }

        int evalImages = Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("EVAL_LIMIT"));
        DataSet test = Workshop.mnist().testSample(evalImages);
        double clusteredAccuracy;
        double plainAccuracy;
        clusteredAccuracy = Workshop.liteRt().evaluate(clusteredFile, test).accuracy();
        plainAccuracy = Workshop.liteRt().evaluate(plainFile, test).accuracy();
        assertEquals(clusteredAccuracy, metrics.number(MetricKey.INT8_ACCURACY).orElseThrow(), 1e-12,
                "the notebook's accuracy differs from the written clustered model's");
        assertEquals(plainAccuracy, metrics.number(MetricKey.BASELINE_INT8_ACCURACY).orElseThrow(), 1e-12,
                "the notebook's plain int8 accuracy differs from the written plain model's");
        assertEquals(evalImages, metrics.number(MetricKey.EVAL_IMAGES).orElseThrow().intValue());
        // what clustering and its int8 export cost depends on the weights fine-tuning found; that the
        // clustered file still classifies does not (NotebookChecks.aboveChance)
        assertTrue(clusteredAccuracy > NotebookChecks.aboveChance(evalImages), "clustered int8 accuracy "
                + clusteredAccuracy + " is no better than guessing (plain int8: " + plainAccuracy + ")");

        // the files differ only in their weight bytes: at most K values per tensor (counted above)
        // against more than K in every tensor of the plain file (counted here), so the clustered
        // weights carry fewer bits and compress better; by how much depends on the weights
        for (WeightStatistics.Tensor weights : TfliteModel.read(plainFile).weightStatistics().tensors()) {
            assertTrue(weights.distinct() > clusters, "the plain int8 model's " + weights.name() + " holds only "
                    + weights.distinct() + " values: nothing for clustering to save");
        }
        long gzip = metrics.number(MetricKey.GZIP_BYTES).orElseThrow().longValue();
        long plainGzip = metrics.number(MetricKey.BASELINE_INT8_GZIP_BYTES).orElseThrow().longValue();
        assertEquals(FileSizes.gzip(clusteredFile), gzip, "gzip_bytes");
        assertEquals(FileSizes.gzip(plainFile), plainGzip, "baseline_int8_gzip_bytes");
        assertTrue(gzip < plainGzip, "the clustered model gzips to " + gzip + " bytes, the plain one to " + plainGzip);
        assertTrue(metrics.number(MetricKey.UNIQUE_WEIGHTS).orElseThrow() <= 4 * clusters, "unique weights over the 4 kernels");
        // Vela's figures were recorded after the notebook's own, not overwritten by them
        assertTrue(metrics.number("vela.ethos-u55-128.encoded_weights_bytes").isPresent(),
                "the compile-for-Ethos-U step recorded no Vela figures");
    }
}
