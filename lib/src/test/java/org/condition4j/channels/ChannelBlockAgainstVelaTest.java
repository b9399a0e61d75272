package org.condition4j.channels;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.npu.ChannelBlock;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.OperatorCost;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.workshop.Workshop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One step of the staircase on each deployment target, in Vela: with the block depth d that
 * {@link ChannelBlock} states, conv2 of the seed CNN costs the same at d + 1 and 2d output
 * channels (two blocks either way; within 2 %, the per-channel work outside the MAC array) and
 * about half as much again at 2d + 1 (three blocks: at least a quarter more). A wrong depth (4 or
 * 16) breaks one or the other.
 */
class ChannelBlockAgainstVelaTest {
    @TempDir
    Path dir;

    @Test
    void cyclesAreFlatWithinABlockAndStepUpAfterIt() {
        DataSet calibration = TestNetworks.mnist().trainSample(20);
        for (VelaTarget target : List.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U85_256)) {
            int d = ChannelBlock.depth(target.accelerator());
            long start = conv2Cycles(d + 1, target, calibration);
            long full = conv2Cycles(2 * d, target, calibration);
            long next = conv2Cycles(2 * d + 1, target, calibration);
            System.out.printf("%s, block depth %d: conv2 cycles at %d, %d, %d channels: %,d, %,d, %,d%n",
                    target.accelerator(), d, d + 1, 2 * d, 2 * d + 1, start, full, next);
            assertEquals(start, full, 0.02 * full, target + ": " + (d + 1) + " and " + 2 * d + " channels, two blocks");
            assertTrue(next > 1.25 * full, target + ": " + (2 * d + 1) + " channels start a third block: " + next
                    + " cycles against " + full);
        }
        assertEquals(4, ChannelBlock.depth("ethos-u55-32"));
        assertEquals(16, ChannelBlock.depth("Ethos-U85-512"));
        assertThrows(IllegalArgumentException.class, () -> ChannelBlock.depth("ethos-u95-128"));
    }

    private long conv2Cycles(int channels, VelaTarget target, DataSet calibration) {
        Path file = TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(
                ChannelStaircaseBenchmarkTest.seedCnnWithConv2(channels)), calibration))
                .writeTo(dir.resolve("conv2_" + channels + ".tflite"));
        VelaReport report = Workshop.vela().compile(file, target, dir.resolve("vela"));
        OperatorCost conv2 = OperatorCost.of(report, TfliteModel.read(file)).get(1);
        assertEquals("CONV_2D", conv2.operator());
        return conv2.cycles();
    }
}
