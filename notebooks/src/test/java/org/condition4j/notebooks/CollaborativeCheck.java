package org.condition4j.notebooks;

import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.workshop.BaselineInt8;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.condition4j.workshop.Workshop;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 05_collaborative_optimization: the PCQAT int8 file keeps the pruned zeros and at most 16 values
 * in every weight tensor (one scale per tensor), counted again in the file; its accuracy,
 * measured again in LiteRT, is the one the notebook recorded and better than guessing; Vela, run
 * again, gives the recorded NPU-encoded weights, below those of plain int8 and of each technique
 * alone. The sweep's cache and files hold what its points promise.
 */
final class CollaborativeCheck {
    static final int CLUSTERS = 16;
    static final double SPARSITY = 0.75;
    /** The single techniques' files (03, 04), when their notebooks have run: PCQAT keeps what each of them saves. */
    static final List<String> SINGLE_TECHNIQUES = List.of("pruned_post_training_quant_model.tflite",
            "clustered_post_training_quant_model.tflite");

    private CollaborativeCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) throws IOException {
        Path file = outputs.resolve("pcqat_quant_model.tflite");
        Path plain = outputs.resolve(BaselineInt8.FILE_NAME);
        assertTrue(Files.isRegularFile(file), "05 did not write " + file);
        Metrics metrics = Metrics.read(Metrics.fileFor(file));

        TfliteModel model = TfliteModel.read(file);
        assertEquals("INT8", model.input().type(), "the PCQAT model's input");
        List<WeightStatistics.Tensor> tensors = model.weightStatistics().tensors();
        assertEquals(4, tensors.size(), "three convolutions and the dense layer");
        double zeros = 0;
        double values = 0;
        for (WeightStatistics.Tensor w : tensors) {
            assertTrue(w.zeros() >= SPARSITY * w.values() - 1, w.name() + ": " + w.zeros() + " zeros of " + w.values()
                    + ", below " + SPARSITY + " by more than one weight");
            // PCQAT exports clustered weights with one scale per tensor, so K centroids stay K int8 values
            assertEquals(1, model.tensor(w.name()).scales().length, w.name() + " is not per-tensor");
            assertTrue(w.distinct() <= CLUSTERS, w.name() + " holds " + w.distinct() + " int8 values");
            zeros += w.zeros();
            values += w.values();
        }
        assertEquals(zeros / values, metrics.number(MetricKey.SPARSITY).orElseThrow(), 1e-12, "recorded sparsity");

        int evalImages = Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("EVAL_LIMIT"));
        DataSet test = Workshop.mnist().testSample(evalImages);
        double accuracy = Workshop.liteRt().evaluate(file, test).accuracy();
        double plainAccuracy = Workshop.liteRt().evaluate(plain, test).accuracy();
        assertEquals(accuracy, metrics.number(MetricKey.INT8_ACCURACY).orElseThrow(), 1e-12, "recorded int8 accuracy");
        assertEquals(plainAccuracy, metrics.number(MetricKey.BASELINE_INT8_ACCURACY).orElseThrow(), 1e-12,
                "recorded plain int8 accuracy");
        // what the three stages cost depends on the weights they found; that the file still
        // classifies does not (NotebookChecks.aboveChance)
        assertTrue(accuracy > NotebookChecks.aboveChance(evalImages), "PCQAT int8 accuracy " + accuracy
                + " is no better than guessing (plain int8: " + plainAccuracy + ")");

        Path velaDir = Files.createTempDirectory("vela-05");
        VelaReport pcqat = Workshop.vela().compile(file, VelaTarget.ETHOS_U55_128, velaDir);
        VelaReport reference = Workshop.vela().compile(plain, VelaTarget.ETHOS_U55_128, velaDir);
        assertEquals(pcqat.encodedWeightBytes(),
                metrics.number(VelaReport.metricKey(VelaTarget.ETHOS_U55_128.accelerator(), "encoded_weights_bytes")).orElseThrow().longValue(),
                "Vela run again gives other NPU-encoded weights than recorded");
        double ratio = (double) pcqat.encodedWeightBytes() / reference.encodedWeightBytes();
        assertEquals(ratio, metrics.number(MetricKey.ENCODED_WEIGHTS_VS_BASELINE_INT8_U55).orElseThrow(), 1e-12, "recorded ratio");
        // What the technique guarantees, not a ratio read off one run: PCQAT's tensors hold the pruned
        // file's share of zeros (within one weight, counted above) and at most K values, the
        // clustered file's K values and 3/4 zeros besides; Vela encodes zeros and few distinct values
        // in fewer bits, so PCQAT's encoded weights lie below plain int8's and below each single
        // technique's (the same U55-128 compilation of the files 03 and 04 wrote).
        assertTrue(pcqat.encodedWeightBytes() < reference.encodedWeightBytes(), "NPU-encoded weights "
                + pcqat.encodedWeightBytes() + " bytes, plain int8 " + reference.encodedWeightBytes());
        for (String single : SINGLE_TECHNIQUES) {
            Path other = outputs.resolve(single);
            if (Files.isRegularFile(other)) {
                long encoded = Workshop.vela().compile(other, VelaTarget.ETHOS_U55_128, velaDir).encodedWeightBytes();
                assertTrue(pcqat.encodedWeightBytes() < encoded, "NPU-encoded weights " + pcqat.encodedWeightBytes()
                        + " bytes, " + single + " alone " + encoded);
            }
        }

        checkSweep(outputs.resolve("sweep"));
    }

    /** Every sweep file: its sparsity (within one weight per tensor) and at most K values per channel. */
    private static void checkSweep(Path dir) throws IOException {
        Path cache = dir.resolve("sweep.csv");
        assertTrue(Files.isRegularFile(cache), "no sweep cache at " + cache);
        List<String> lines = Files.readAllLines(cache);
        assertEquals(3, lines.size(), "header and the small sweep's two points: " + lines.size() + " lines");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double sparsity = Double.parseDouble(f[1]);
            int clusters = Integer.parseInt(f[2]);
            Path file = dir.resolve(String.format(java.util.Locale.ROOT, "sweep_s%02.0f_k%d_%s.tflite", 100 * sparsity,
                    clusters, f[3].toLowerCase(java.util.Locale.ROOT)));
            assertTrue(Files.isRegularFile(file), "the sweep point " + f[3] + " has no file " + file);
            for (WeightStatistics.Tensor w : TfliteModel.read(file).weightStatistics().tensors()) {
                assertTrue(w.zeros() >= sparsity * w.values() - 1, file.getFileName() + " " + w.name());
                assertTrue(w.maxDistinctPerChannel() <= clusters, file.getFileName() + " " + w.name() + ": "
                        + w.maxDistinctPerChannel());
            }
            assertEquals(Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("EVAL_LIMIT")), f[4].length(),
                    "one hit per test image");
        }
    }
}
