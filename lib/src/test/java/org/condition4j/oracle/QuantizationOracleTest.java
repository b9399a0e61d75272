package org.condition4j.oracle;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.tflite.TfliteExport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

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

    private static void assertFileFollowsSpec(MultiLayerNetwork net, boolean perTensor) {
        DataSet calibration = TestNetworks.mnist().trainSample(CALIBRATION_IMAGES);
        QuantizedGraph q = PostTrainingQuantization.calibrate(InferenceGraph.of(net), calibration);
        byte[] file = TfliteExport.int8(perTensor ? q.withPerTensorWeights() : q).toBytes();
        Int8FileCheck check = Int8FileCheck.of(Int8Oracle.calibrated(net, calibration.getFeatures()), file, perTensor);
        System.out.println(check.summary());
        assertTrue(check.mismatches.isEmpty(), String.join("\n", check.mismatches));
    }
}
