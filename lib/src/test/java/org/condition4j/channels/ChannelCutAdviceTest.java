package org.condition4j.channels;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.npu.Advice;
import org.condition4j.npu.LayerCheck;
import org.condition4j.npu.NpuFamily;
import org.condition4j.npu.TargetCheck;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.OperatorCost;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.workshop.Workshop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The target check's cycle advice, from Vela's per-layer figures for the seed CNN on
 * ethos-u55-128, then checked in Vela: conv2 cut as advised (32 to 24 channels, one block of 8)
 * saves about the advised cycles (within a quarter: the estimate takes cycles as proportional to
 * blocks), and cut by one channel fewer (to 25) saves almost nothing (under 5 % of its cycles).
 */
class ChannelCutAdviceTest {
    private static final VelaTarget TARGET = VelaTarget.ETHOS_U55_128;

    @TempDir
    Path dir;

    @Test
    void theAdvisedCutSavesAboutTheAdvisedCyclesAndASmallerCutSavesNone() {
        MultiLayerNetwork seed = TestNetworks.seedCnn();
        DataSet calibration = TestNetworks.mnist().trainSample(50);
        Map<String, Long> cycles = cycles(seed, calibration, "seed");
        TargetCheck check = TargetCheck.of(seed, NpuFamily.U55).withCycles(cycles, TARGET.accelerator());
        List<LayerCheck> convs = check.layers().stream().filter(l -> l.operator().equals("CONV_2D")).toList();
        List<Advice> advice = check.advice().stream().filter(a -> a.kind() == Advice.Kind.CYCLES).toList();
        advice.forEach(System.out::println);
        assertEquals(convs.stream().map(LayerCheck::tensor).toList(), advice.stream().map(Advice::tensor).toList(),
                "one cycle advice per convolution; none for the classifier");
        String conv2 = convs.get(1).tensor();
        long before = cycles.get(conv2);
        long advised = before / 4; // 32 channels are 4 blocks of 8
        Advice forConv2 = advice.get(1);
        assertTrue(forConv2.message().contains("removing 8 channels (to 24) saves about "
                + String.format(Locale.ROOT, "%,d", advised) + " cycles"), forConv2.message());

        long cut = before - conv2Cycles(24, seed, calibration);
        long smallerCut = before - conv2Cycles(25, seed, calibration);
        System.out.printf("conv2 on %s: %,d cycles; advised saving %,d; to 24 channels saves %,d, to 25 saves %,d%n",
                TARGET.accelerator(), before, advised, cut, smallerCut);
        assertEquals(advised, cut, 0.25 * advised, "cutting one block of conv2");
        assertTrue(Math.abs(smallerCut) < 0.05 * before, "cutting 7 channels leaves 4 blocks: saves " + smallerCut);
    }

    private long conv2Cycles(int channels, MultiLayerNetwork seed, DataSet calibration) {
        double share = (32.0 - channels) / 32;
        MultiLayerNetwork cut = ChannelPruning.of(seed).only("conv2").prune(PruningSchedule.constant(share, 0, 100)).strip();
        assertEquals(channels, ChannelPruningTest.nOut(cut, 1));
        Map<String, Long> cycles = cycles(cut, calibration, "conv2_" + channels);
        String conv2 = TargetCheck.of(cut, NpuFamily.U55).layers().stream().filter(l -> l.operator().equals("CONV_2D"))
                .toList().get(1).tensor();
        return cycles.get(conv2);
    }

    private Map<String, Long> cycles(MultiLayerNetwork net, DataSet calibration, String name) {
        Path file = TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(net), calibration))
                .writeTo(dir.resolve(name + ".tflite"));
        VelaReport report = Workshop.vela().compile(file, TARGET, dir.resolve("vela"));
        return OperatorCost.of(report, TfliteModel.read(file)).stream()
                .collect(Collectors.toMap(OperatorCost::tensor, OperatorCost::cycles, Long::sum));
    }
}
