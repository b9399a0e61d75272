package org.condition4j.oracle;

import org.condition4j.cluster.CentroidInit;
import org.condition4j.cluster.Clustering;
import org.condition4j.cluster.ClusteringConfig;
import org.condition4j.fold.BatchNormFolding;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.model.Training;
import org.condition4j.qat.LearnedRanges;
import org.condition4j.qat.QatModel;
import org.condition4j.qat.QuantizationAwareTraining;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.tflite.TfliteExport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 files the exporter writes hold, tensor by tensor, what the TFLite int8 specification
 * prescribes for the DL4J network and its calibration images ({@link Int8Oracle}), read back with
 * the flatbuffer schema classes ({@link Int8FileCheck}).
 */
class QuantizationOracleTest {
    private static final int CALIBRATION_IMAGES = 100;

    @Test
    void seedCnnFileHoldsWhatTheInt8SpecPrescribes() {
        assertFileFollowsSpec(TestNetworks.seedCnn(), false);
    }

    @Test
    void everyLayerFileHoldsWhatTheInt8SpecPrescribes() {
        assertFileFollowsSpec(TestNetworks.everyLayer(), false);
    }

    @Test
    void perTensorWeightScalesFollowTheSpecToo() {
        assertFileFollowsSpec(TestNetworks.everyLayer(), true);
    }

    /**
     * Quantization-aware training: the activation parameters come from the ranges training learned
     * (the QAT network's moving averages), not from calibration. The oracle takes those ranges as
     * data and checks that every int8 tensor's scale and zero point follow from them by the spec's
     * formula, and that weights and biases are the float weights quantized by the spec (per channel
     * for convolutions, per tensor for dense); that these are also the values training used is
     * QatExportTest's business.
     */
    @Test
    void qatFileHoldsWhatTheSpecPrescribesForTheLearnedRanges() {
        QatModel qat = QuantizationAwareTraining.prepare(TestNetworks.seedCnn());
        Training.of(qat.network()).printingTo(new PrintStream(OutputStream.nullOutputStream()))
                .fit(TestNetworks.mnist().train(64, 128), null, 1); // a few steps give learned ranges
        LearnedRanges learned = qat.activationRanges();
        Map<Integer, double[]> layers = new HashMap<>();
        learned.layers().forEach((layer, r) -> layers.put(layer, new double[] {r.min(), r.max()}));
        byte[] file = TfliteExport.int8(qat.quantizedGraph()).toBytes();
        Int8Oracle oracle = Int8Oracle.withRanges(qat.strip(),
                TestNetworks.mnist().trainSample(16).getFeatures(),
                new double[] {learned.input().min(), learned.input().max()}, layers);
        Int8FileCheck check = Int8FileCheck.of(oracle, file, false);
        System.out.println("QAT: " + check.summary());
        assertTrue(check.mismatches.isEmpty(), String.join("\n", check.mismatches));
    }

    /**
     * Clustered and exported with one scale per tensor: the spec's rules with a single scale per
     * weight tensor, and then each layer's K shared float values become at most K int8 values.
     */
    @Test
    void clusteredFileWithPerTensorScalesFollowsTheSpecAndKeepsKValuesPerLayer() {
        MultiLayerNetwork clustered = Clustering.cluster(TestNetworks.seedCnn(),
                ClusteringConfig.of(16, CentroidInit.LINEAR).withMaxIterations(10)).strip(); // converged or not: 16 values
        DataSet calibration = TestNetworks.mnist().trainSample(CALIBRATION_IMAGES);
        QuantizedGraph q = PostTrainingQuantization.calibrate(InferenceGraph.of(clustered), calibration);
        byte[] file = TfliteExport.int8(q.withPerTensorWeights()).toBytes();
        Int8FileCheck check = Int8FileCheck.of(Int8Oracle.calibrated(clustered, calibration.getFeatures()), file, true);
        assertTrue(check.mismatches.isEmpty(), String.join("\n", check.mismatches));
        org.condition4j.tflite.TfliteModel model = org.condition4j.tflite.TfliteModel.of(file);
        for (String w : model.weightTensorNames()) {
            long distinct = new String(model.int8Values(w), java.nio.charset.StandardCharsets.ISO_8859_1).chars()
                    .distinct().count();
            assertTrue(distinct <= 16, w + " holds " + distinct + " int8 values");
        }
    }

    /**
     * The DS-CNN folded by {@code BatchNormFolding} and quantized, against the oracle built from the
     * network before folding: the oracle folds batch norm itself, so this checks the fold step too.
     */
    @Test
    void foldedDsCnnFileHoldsWhatTheSpecPrescribesForTheNetworkWithBatchNorm() {
        MultiLayerNetwork withBatchNorm = TestNetworks.dsCnn();
        DataSet calibration = TestNetworks.mnist().trainSample(CALIBRATION_IMAGES);
        QuantizedGraph q = PostTrainingQuantization.calibrate(InferenceGraph.of(BatchNormFolding.fold(withBatchNorm)),
                calibration);
        Int8FileCheck check = Int8FileCheck.of(Int8Oracle.calibrated(withBatchNorm, calibration.getFeatures()),
                TfliteExport.int8(q).toBytes(), false);
        System.out.println("DS-CNN: " + check.summary());
        assertTrue(check.mismatches.isEmpty(), String.join("\n", check.mismatches));
    }

    /** Quantization-aware training of the folded DS-CNN (depthwise, pointwise, global pool): the learned ranges by the spec. */
    @Test
    void qatOfTheFoldedDsCnnFollowsTheSpecForTheLearnedRanges() {
        QatModel qat = QuantizationAwareTraining.prepare(BatchNormFolding.fold(TestNetworks.dsCnn()));
        Training.of(qat.network()).printingTo(new PrintStream(OutputStream.nullOutputStream()))
                .fit(TestNetworks.mnist().train(64, 128), null, 1);
        LearnedRanges learned = qat.activationRanges();
        Map<Integer, double[]> layers = new HashMap<>();
        learned.layers().forEach((layer, r) -> layers.put(layer, new double[] {r.min(), r.max()}));
        Int8FileCheck check = Int8FileCheck.of(Int8Oracle.withRanges(qat.strip(),
                TestNetworks.mnist().trainSample(16).getFeatures(),
                new double[] {learned.input().min(), learned.input().max()}, layers),
                TfliteExport.int8(qat.quantizedGraph()).toBytes(), false);
        assertTrue(check.mismatches.isEmpty(), String.join("\n", check.mismatches));
    }

    private static void assertFileFollowsSpec(MultiLayerNetwork net, boolean perTensor) {
        DataSet calibration = TestNetworks.mnist().trainSample(CALIBRATION_IMAGES);
        QuantizedGraph q = PostTrainingQuantization.calibrate(InferenceGraph.of(net), calibration);
        byte[] file = TfliteExport.int8(perTensor ? q.withPerTensorWeights() : q).toBytes();
        Int8FileCheck check = Int8FileCheck.of(Int8Oracle.calibrated(net, calibration.getFeatures()), file, perTensor);
        System.out.println(check.summary());
        assertTrue(check.mismatches.isEmpty(), String.join("\n", check.mismatches));
    }
}
