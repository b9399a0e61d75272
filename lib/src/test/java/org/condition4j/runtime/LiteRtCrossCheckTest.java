package org.condition4j.runtime;

import org.condition4j.workshop.Workshop;
import org.condition4j.tflite.TfliteExport;
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
            LiteRtCrossCheck.Result result = LiteRtCrossCheck.compare(file, images, Workshop.liteRt());
            System.out.println("LiteRT vs TFLite 2.6: " + result);
            assertEquals(100, result.images());
            assertTrue(result.int8Output());
            assertEquals(100, result.samePrediction(), result.toString());
            assertTrue(result.largestDifference() <= 1, result.toString());
        }
    }

    /**
     * LiteRT's reference kernels (BUILTIN_REF) as a third interpreter. Expected differences from
     * TFLite 2.6, and only these: the reference CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
     * kernels requantize with a doubling high multiply followed by a rounding shift (two roundings,
     * gemmlowp style), where 2.6 rounds once, so a value can land one step away and that step can
     * propagate through the following layers. Measured on 100 test images, logits (the model cut
     * before softmax): seed CNN 86 identical, at most 1 step apart; every-layer network (six
     * weighted layers in a row) 81 identical, at most 2 steps. The int8 SOFTMAX reference kernel
     * computes the exponentials in fixed point rather than by 2.6's lookup table: measured at most
     * 2 steps of 1/256 apart. Asserted: the same class on every image, logits and probabilities at
     * most {@value #REFERENCE_LOGIT_STEPS} and {@value #REFERENCE_SOFTMAX_STEPS} steps apart.
     */
    @Test
    void referenceKernelsDifferOnlyByTheirRounding(@TempDir Path dir) {
        var images = TestNetworks.mnist().testSample(100);
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {TestNetworks.seedCnn(), TestNetworks.everyLayer()}) {
            QuantizedGraph q = PostTrainingQuantization.calibrate(InferenceGraph.of(net), TestNetworks.mnist().trainSample(100));
            int ops = q.graph().ops().size();
            Path logits = TfliteExport.int8(q.prefix(ops - 1)).writeTo(dir.resolve("logits.tflite"));
            Path full = TfliteExport.int8(q).writeTo(dir.resolve("full.tflite"));
            LiteRtCrossCheck.Result l = LiteRtCrossCheck.compare(logits, images, Workshop.liteRt(), LiteRt.Kernels.REFERENCE);
            LiteRtCrossCheck.Result f = LiteRtCrossCheck.compare(full, images, Workshop.liteRt(), LiteRt.Kernels.REFERENCE);
            System.out.println("LiteRT reference kernels vs TFLite 2.6, logits: " + l + "\n  softmax: " + f);
            assertEquals(100, l.samePrediction(), l.toString());
            assertTrue(l.largestDifference() <= REFERENCE_LOGIT_STEPS, l.toString());
            assertEquals(100, f.samePrediction(), f.toString());
            assertTrue(f.largestDifference() <= REFERENCE_SOFTMAX_STEPS, f.toString());
        }
    }

    private static final int REFERENCE_LOGIT_STEPS = 2;
    private static final int REFERENCE_SOFTMAX_STEPS = 2;

    @Test
    void aHangingLiteRtIsStoppedAtTheTimeOut(@TempDir Path dir) throws Exception {
        Path model = TfliteExport.float32(InferenceGraph.of(TestNetworks.everyLayer())).writeTo(dir.resolve("f.tflite"));
        Path python = org.condition4j.io.SubprocessTest.hangingProgram(dir);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> LiteRtCrossCheck.compare(model, TestNetworks.mnist().testSample(2),
                        LiteRt.using(python).withTimeout(java.time.Duration.ofSeconds(2))));
        assertTrue(e.getMessage().startsWith("LiteRT on f.tflite did not finish within 2 s"), e.getMessage());
    }

    @Test
    void floatModelsAgreeToRounding(@TempDir Path dir) {
        Path file = TfliteExport.float32(InferenceGraph.of(TestNetworks.seedCnn())).writeTo(dir.resolve("f.tflite"));
        LiteRtCrossCheck.Result result = LiteRtCrossCheck.compare(file, TestNetworks.mnist().testSample(100), Workshop.liteRt());
        assertEquals(100, result.images());
        assertEquals(100, result.samePrediction());
        assertTrue(result.largestDifference() < 1e-5, "largest difference " + result.largestDifference());
    }
}
