package org.condition4j.collab;

import org.condition4j.cluster.CentroidInit;
import org.condition4j.cluster.ClusteredModel;
import org.condition4j.cluster.Clustering;
import org.condition4j.cluster.ClusteringConfig;
import org.condition4j.fold.BatchNormFolding;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.layers.LayerRegistry;
import org.condition4j.layers.UnsupportedNetworkException;
import org.condition4j.model.Training;
import org.condition4j.prune.PrunedModel;
import org.condition4j.prune.Pruning;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.qat.QatModel;
import org.condition4j.qat.QuantizationAwareTraining;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.workshop.Workshop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The techniques on the folded DS-CNN (depthwise, pointwise and global pooling layers): prune 75 %
 * → sparsity-preserving clustering to 16 → PTQ, and PCQAT after the same two steps; zeros and
 * distinct values counted in every weight tensor of the written file, and Vela places every op on
 * the NPU, as it does for plain PTQ and QAT. Fine-tuning is a few steps: what is tested is where the zeros and clusters end up, not accuracy.
 */
class DsCnnTechniquesTest {
    private static final double SPARSITY = 0.75;
    private static final int CLUSTERS = 16;
    private static final ClusteringConfig CLUSTERING = ClusteringConfig.of(CLUSTERS, CentroidInit.LINEAR)
            .withSparsityPreserved();

    private static MultiLayerNetwork prunedClustered;

    @BeforeAll
    static void foldPruneAndCluster() {
        MultiLayerNetwork folded = BatchNormFolding.fold(TestNetworks.dsCnn());
        PrunedModel pruning = Pruning.lowMagnitude(folded, PruningSchedule.constant(SPARSITY));
        fineTune(pruning.network(), pruning.listeners());
        ClusteredModel clustering = Clustering.cluster(pruning.strip(), CLUSTERING);
        fineTune(clustering.network(), clustering.listeners());
        prunedClustered = clustering.strip();
    }

    private static void fineTune(MultiLayerNetwork net, List<TrainingListener> listeners) {
        Training.of(net).withListeners(listeners).printingTo(new PrintStream(OutputStream.nullOutputStream()))
                .fit(TestNetworks.mnist().train(64, 256), null, 1);
    }

    @Test
    void prunedClusteredAndQuantizedAfterFoldingKeepsZerosAndClustersInTheFileAndRunsOnTheNpu(@TempDir Path dir) {
        Path file = dir.resolve("ds-cnn-pc-ptq.tflite");
        TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(prunedClustered),
                TestNetworks.mnist().trainSample(100)).withPerTensorWeights()).writeTo(file);
        assertZerosAndClusters(file);
        assertAllOnNpu(file, dir);
    }

    @Test
    void pcqatOfTheFoldedDsCnnKeepsZerosAndClustersInTheFileAndRunsOnTheNpu(@TempDir Path dir) {
        PreservingQat pcqat = PreservingQat.prepare(prunedClustered, PreservingQat.Keep.ZEROS_AND_CLUSTERS, CLUSTERING);
        fineTune(pcqat.network(), pcqat.listeners());
        Path file = dir.resolve("ds-cnn-pcqat.tflite");
        TfliteExport.int8(pcqat.quantizedGraph()).writeTo(file);
        assertZerosAndClusters(file);
        assertAllOnNpu(file, dir);
    }

    @Test
    void plainPtqAndQatOfTheFoldedDsCnnRunOnTheNpu(@TempDir Path dir) {
        MultiLayerNetwork folded = BatchNormFolding.fold(TestNetworks.dsCnn());
        Path ptq = dir.resolve("ds-cnn-ptq.tflite");
        TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(folded),
                TestNetworks.mnist().trainSample(100))).writeTo(ptq);
        assertAllOnNpu(ptq, dir.resolve("ptq"));
        QatModel qat = QuantizationAwareTraining.prepare(folded);
        fineTune(qat.network(), qat.listeners());
        Path qatFile = dir.resolve("ds-cnn-qat.tflite");
        TfliteExport.int8(qat.quantizedGraph()).writeTo(qatFile);
        assertAllOnNpu(qatFile, dir.resolve("qat"));
    }

    @Test
    void everyTechniqueRefusesTheUnfoldedNetworkAndSaysToFoldIt() {
        MultiLayerNetwork withBatchNorm = TestNetworks.dsCnn();
        List<Executable> techniques = List.of(
                () -> QuantizationAwareTraining.prepare(withBatchNorm),
                () -> Pruning.lowMagnitude(withBatchNorm, PruningSchedule.constant(SPARSITY)),
                () -> Clustering.cluster(withBatchNorm, CLUSTERING),
                () -> PreservingQat.prepare(withBatchNorm, PreservingQat.Keep.ZEROS_AND_CLUSTERS, CLUSTERING));
        for (Executable technique : techniques) {
            UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, technique);
            assertTrue(e.getMessage().startsWith("layer 1 (BatchNormalization 'stem_bn'): not supported by "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("fold it first with " + LayerRegistry.FOLD_METHOD), e.getMessage());
        }
    }

    /** Every weight tensor of the file: at most 16 int8 values (one scale per tensor) and the pruned share of zeros. */
    private static void assertZerosAndClusters(Path file) {
        List<WeightStatistics.Tensor> tensors = TfliteModel.read(file).weightStatistics().tensors();
        assertEquals(10, tensors.size(), "stem, 4 depthwise, 4 pointwise, dense: " + tensors);
        for (WeightStatistics.Tensor t : tensors) {
            assertTrue(t.distinct() <= CLUSTERS, t.name() + " holds " + t.distinct() + " int8 values");
            // pruning rounds the number of zeros of a tensor to a whole weight
            assertTrue(t.zeros() >= SPARSITY * t.values() - 1, t.name() + ": " + t.zeros() + " zeros of " + t.values());
        }
    }

    private static void assertAllOnNpu(Path file, Path dir) {
        for (VelaTarget target : List.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U85_256)) {
            VelaReport report = Workshop.vela().compile(file, target, dir.resolve("vela-" + target.accelerator()));
            assertEquals(100.0, report.npuOperatorPercent(), 0, target.accelerator() + ": " + report);
        }
    }
}
