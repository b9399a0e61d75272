package org.condition4j.tflite;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Current LiteRT and the TFLite 2.6 interpreter agree on the files the exporter writes. */
class LiteRtCrossCheckTest {

    /**
     * Int8: LiteRT as a user gets it (XNNPACK) gives the same prediction on every image and int8
     * outputs at most one step apart (measured: seed CNN 100 of 100 outputs identical, the
     * every-layer network 95 of 100; see LiteRtCrossCheck for why they are not all identical).
     */
    @Test
    void int8OutputsAgreeWithinOneStep(@TempDir Path dir) {
        var images = TestNetworks.mnist().testSample(100);
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {TestNetworks.seedCnn(), TestNetworks.everyLayer()}) {
            QuantizedGraph q = PostTrainingQuantization.calibrate(InferenceGraph.of(net), TestNetworks.mnist().trainSample(100));
            Path file = TfliteExport.int8(q).writeTo(dir.resolve("m.tflite"));
            LiteRtCrossCheck.Result result = LiteRtCrossCheck.compare(file, images);
            System.out.println("LiteRT vs TFLite 2.6: " + result);
            assertEquals(100, result.images());
            assertTrue(result.int8Output());
            assertEquals(100, result.samePrediction(), result.toString());
            assertTrue(result.largestDifference() <= 1, result.toString());
        }
    }

    @Test
    void aHangingLiteRtIsStoppedAtTheTimeOut(@TempDir Path dir) throws Exception {
        Path model = TfliteExport.float32(InferenceGraph.of(TestNetworks.everyLayer())).writeTo(dir.resolve("f.tflite"));
        Path python = org.condition4j.io.SubprocessTest.hangingProgram(dir);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> LiteRtCrossCheck.compare(model, TestNetworks.mnist().testSample(2), LiteRtCrossCheck.Kernels.XNNPACK,
                        python, java.time.Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("LiteRT on f.tflite did not finish within 2 s"), e.getMessage());
    }

    @Test
    void floatModelsAgreeToRounding(@TempDir Path dir) {
        Path file = TfliteExport.float32(InferenceGraph.of(TestNetworks.seedCnn())).writeTo(dir.resolve("f.tflite"));
        LiteRtCrossCheck.Result result = LiteRtCrossCheck.compare(file, TestNetworks.mnist().testSample(100));
        assertEquals(100, result.images());
        assertEquals(100, result.samePrediction());
        assertTrue(result.largestDifference() < 1e-5, "largest difference " + result.largestDifference());
    }
}
