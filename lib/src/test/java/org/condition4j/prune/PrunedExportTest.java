package org.condition4j.prune;

import org.condition4j.data.Mnist;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.graph.WeightedOp;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.testing.Int8Bounds;
import org.condition4j.io.FileSizes;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pruned, fine-tuned and stripped seed CNN exported through post-training quantization: the
 * int8 weights in the written .tflite keep every pruned zero, and only those.
 */
class PrunedExportTest {
    private static final double TARGET = 0.75;
    /** The seed CNN's prunable layers (conv1, conv2, conv3, dense), in the order their ops are written. */
    private static final int[] PRUNABLE = {0, 1, 3, 5};
    private static final int BATCH = 64;
    private static final int FINE_TUNE_STEPS = 12;

    @TempDir
    static Path dir;

    private static MultiLayerNetwork stripped;
    private static InferenceGraph graph;
    private static QuantizedGraph quantized;
    private static Path prunedFile;
    private static Path plainFile;

    @BeforeAll
    static void pruneFineTuneStripAndExport() {
        Mnist mnist = TestNetworks.mnist();
        MultiLayerNetwork baseline = TestNetworks.seedCnn();
        // re-pruned at steps 0, 5 and 10, so the masks are recomputed on fine-tuned weights
        PrunedModel pruned = Pruning.lowMagnitude(baseline, PruningSchedule.constant(TARGET, 0, 5));
        PruningTest.train(pruned.network(), mnist.train(BATCH, FINE_TUNE_STEPS * BATCH), pruned.listeners());
        assertEquals(FINE_TUNE_STEPS, pruned.step());
        stripped = pruned.strip();

        DataSet representative = mnist.trainSample(100);
        graph = InferenceGraph.of(stripped);
        quantized = PostTrainingQuantization.calibrate(graph, representative);
        prunedFile = TfliteExport.int8(quantized).writeTo(dir.resolve("pruned_int8.tflite"));
        plainFile = TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(baseline), representative))
                .writeTo(dir.resolve("plain_int8.tflite"));
    }

    @Test
    void everyPrunedLayerOfTheWrittenFileHoldsAsManyInt8ZerosAsTheStrippedNetwork() {
        TfliteModel model = TfliteModel.read(prunedFile);
        List<WeightedOp> weighted = weightedOps();
        assertEquals(PRUNABLE.length, weighted.size());
        WeightStatistics counted = model.weightStatistics();
        assertEquals(PRUNABLE.length, counted.tensors().size());
        for (int k = 0; k < PRUNABLE.length; k++) {
            String tensor = weighted.get(k).name() + "/weights";
            byte[] int8 = model.int8Values(tensor);
            long int8Zeros = 0;
            for (byte v : int8) {
                int8Zeros += v == 0 ? 1 : 0;
            }
            long floatZeros = PruningTest.zeros(PruningTest.weights(stripped, PRUNABLE[k]));
            String layer = "layer " + PRUNABLE[k] + " (" + tensor + ")";
            System.out.printf("%-22s %6d weights, %6d float zeros, %6d int8 zeros (%.2f %%)%n", tensor, int8.length,
                    floatZeros, int8Zeros, 100.0 * int8Zeros / int8.length);
            // magnitude pruning keeps a whole number of weights: the target sparsity within one weight
            assertTrue(Math.abs(int8Zeros - TARGET * int8.length) <= 1,
                    layer + ": " + int8Zeros + " int8 zeros of " + int8.length + ", not " + TARGET + " within one weight");
            assertEquals(floatZeros, int8Zeros, layer + ": int8 zeros differ from the stripped network's zeros");
            assertEquals(tensor, counted.tensors().get(k).name());
            assertEquals(int8Zeros, counted.tensors().get(k).zeros(), "WeightStatistics' count for " + layer);
        }
    }

    @Test
    void everyFloatZeroIsWrittenAsAnInt8ZeroInTheSamePlace() {
        TfliteModel model = TfliteModel.read(prunedFile);
        for (WeightedOp op : weightedOps()) {
            float[] weights = op.weights(); // the exported layout, so positions match the file's
            byte[] int8 = model.int8Values(op.name() + "/weights");
            assertEquals(weights.length, int8.length, op.name());
            long zeros = 0;
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] == 0) {
                    zeros++;
                    assertEquals(0, int8[i], op.name() + " weight " + i + " is 0 in float but not in int8");
                }
            }
            assertTrue(Math.abs(zeros - TARGET * weights.length) <= 1, op.name() + " has " + zeros + " zeros of "
                    + weights.length + ", not " + TARGET + " within one weight");
        }
    }

    @Test
    void theZerosMakeTheFileCompressAndTheInterpreterStillClassifies() {
        long pruned = FileSizes.gzip(prunedFile);
        long plain = FileSizes.gzip(plainFile);
        System.out.printf("gzip: pruned int8 %d bytes, plain int8 %d bytes (%.1f %%); raw %d and %d bytes%n",
                pruned, plain, 100.0 * pruned / plain, FileSizes.raw(prunedFile), FileSizes.raw(plainFile));
        assertEquals(FileSizes.raw(plainFile), FileSizes.raw(prunedFile), "zeros take their bytes until compressed");
        // the two files differ only in their weight bytes, 3/4 of which are one value in the pruned file
        assertTrue(pruned < plain, "pruned gzip " + pruned + " bytes is not below plain " + plain);

        // the file computes what the int8 specification allows for the stripped network: every
        // tensor within its bound, the output within a step of the reference's softmax, and the
        // stripped network's class wherever its margin exceeds the bound (Int8Bounds)
        DataSet test = TestNetworks.mnist().testSample(300);
        float[][] images = test.getFeatures().toFloatMatrix();
        byte[][] outputs = new byte[images.length][];
        try (TfliteInterpreter interpreter = TfliteInterpreter.open(prunedFile)) {
            for (int i = 0; i < images.length; i++) {
                outputs[i] = interpreter.runRaw(images[i]);
            }
        }
        Int8Bounds.Report report = Int8Bounds.check(quantized, graph.inputs(test.getFeatures()), outputs);
        System.out.println("the pruned int8 file against the stripped float network: " + report);
        assertTrue(report.holds(), report.toString());
    }

    private static List<WeightedOp> weightedOps() {
        return graph.ops().stream().filter(WeightedOp.class::isInstance).map(WeightedOp.class::cast).toList();
    }
}
