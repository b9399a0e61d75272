package org.condition4j.notebooks;

import org.condition4j.data.Mnist;
import org.condition4j.report.Metrics;
import org.condition4j.tflite.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 04_weight_clustering: a fully int8 .tflite whose weight tensors keep at most K distinct int8
 * values per output channel, that compresses better than the plain int8 model and classifies as
 * well, with the figures the notebook reported.
 */
final class ClusteringCheck {
    /**
     * In the small run the clustered int8 model scored 95.8 % against the plain int8 model's
     * 93.8 % on 500 test images (its fine-tuning epoch also trains an under-trained baseline).
     * One image is 0.2 points; losing two points would mean the clusters hurt the network.
     */
    static final double MAX_ACCURACY_LOSS = 0.02;
    /**
     * Gzip brought the clustered file to 65 % of the plain int8 file's (22.9 against 35.4 kB):
     * 16 values per channel carry 4 bits each instead of nearly 8. Above 80 % the weights
     * would not be clustered.
     */
    static final double MAX_GZIP_RATIO = 0.8;

    private ClusteringCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) {
        Path clusteredFile = outputs.resolve("clustered_post_training_quant_model.tflite");
        Path plainFile = outputs.resolve("post_training_quant_model.tflite");
        assertTrue(Files.isRegularFile(clusteredFile), "04 did not write " + clusteredFile);
        assertTrue(Files.isRegularFile(plainFile), "no plain int8 model to compare with at " + plainFile);
        Metrics metrics = Metrics.read(Metrics.fileFor(clusteredFile));
        int clusters = metrics.number("clusters").orElseThrow().intValue();
        assertEquals(16, clusters, "the notebook clusters with 16 centroids, as TensorFlow's example does");

        TfliteModel model = TfliteModel.read(clusteredFile);
        assertEquals("INT8", model.input().type(), "the clustered model's input");
        assertEquals("INT8", model.output().type(), "the clustered model's output");
        assertEquals(4, model.weightTensorNames().size(), "three convolutions and the dense layer");
        for (String weights : model.weightTensorNames()) {
            TfliteModel.TensorInfo info = model.tensor(weights);
            assertEquals("INT8", info.type(), weights);
            int most = mostDistinctPerOutputChannel(info, model.int8Values(weights));
            assertTrue(most <= clusters, weights + " holds " + most + " int8 values in one output channel");
            if (info.scales().length == 1) { // one scale for the whole tensor: at most K in all
                assertTrue(distinct(model.int8Values(weights)) <= clusters, weights + " holds more than K values");
            }
        }

        int evalImages = Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("EVAL_LIMIT"));
        DataSet test = Mnist.load().testSample(evalImages);
        double clusteredAccuracy;
        double plainAccuracy;
        try (TfliteInterpreter c = TfliteInterpreter.open(clusteredFile); TfliteInterpreter p = TfliteInterpreter.open(plainFile)) {
            clusteredAccuracy = c.accuracy(test);
            plainAccuracy = p.accuracy(test);
        }
        assertEquals(clusteredAccuracy, metrics.number("int8_accuracy").orElseThrow(), 1e-12,
                "the notebook's accuracy differs from the written clustered model's");
        assertEquals(plainAccuracy, metrics.number("plain_int8_accuracy").orElseThrow(), 1e-12,
                "the notebook's plain int8 accuracy differs from the written plain model's");
        assertEquals(evalImages, metrics.number("eval_images").orElseThrow().intValue());
        assertTrue(plainAccuracy - clusteredAccuracy <= MAX_ACCURACY_LOSS,
                "clustered int8 accuracy " + clusteredAccuracy + " against plain int8 " + plainAccuracy);

        double gzipRatio = metrics.number("gzip_bytes").orElseThrow() / metrics.number("plain_int8_gzip_bytes").orElseThrow();
        assertTrue(gzipRatio <= MAX_GZIP_RATIO, "the clustered model gzips to " + gzipRatio + " of the plain one");
        assertTrue(metrics.number("unique_weights").orElseThrow() <= 4 * clusters, "unique weights over the 4 kernels");
    }

    /**
     * CONV_2D [out, kh, kw, in] and FULLY_CONNECTED [out, in] keep an output channel on axis 0,
     * DEPTHWISE_CONV_2D [1, kh, kw, channels] on axis 3, as the quantized dimension records.
     */
    private static int mostDistinctPerOutputChannel(TfliteModel.TensorInfo info, byte[] values) {
        int axis = info.scales().length > 1 ? info.quantizedDimension() : 0;
        int[] shape = info.shape();
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int channels = shape[axis];
        int most = 0;
        for (int c = 0; c < channels; c++) {
            Set<Byte> seen = new HashSet<>();
            for (int i = 0; i < values.length; i++) {
                if ((i / inner) % channels == c) {
                    seen.add(values[i]);
                }
            }
            most = Math.max(most, seen.size());
        }
        return most;
    }

    private static int distinct(byte[] values) {
        Set<Byte> seen = new HashSet<>();
        for (byte v : values) {
            seen.add(v);
        }
        return seen.size();
    }
}
