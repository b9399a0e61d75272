package org.condition4j.report;

import org.condition4j.npu.NpuFamily;
import org.condition4j.npu.TargetCheck;
import org.condition4j.vela.OperatorCost;
import org.condition4j.vela.VelaLayer;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NpuFindings' sentences on hand-made Vela reports: each claim of direction follows the figures. */
class NpuFindingsTest {
    private static final String FLASH = "Ethos_U85_SYS_Flash_High";
    private static final String DRAM = "Ethos_U85_SYS_DRAM_Mid";
    private static final String U55_SYSTEM = "Ethos_U55_High_End_Embedded";

    /** A report; memory bound exactly where {@code memoryCycles > npuCycles}. */
    private static VelaReport report(String network, VelaTarget target, long encoded, double flashKiB, double sramKiB,
                                     long totalCycles, long npuCycles, long memoryCycles, double millis, long macs,
                                     List<VelaLayer> layers) {
        return new VelaReport(network, target, 7, 0, List.of(), sramKiB, flashKiB, 0, 20_000, encoded, totalCycles,
                npuCycles, millis, macs, memoryCycles, Path.of(network + "_vela.tflite"), layers);
    }

    /** A report timed at {@code millis}, memory bound or not. */
    private static VelaReport timed(String network, VelaTarget target, double millis, boolean memoryBound) {
        return report(network, target, 10_000, 40, 100, 100_000, 90_000, memoryBound ? 95_000 : 50_000, millis,
                1_000_000, List.of());
    }

    private static VelaTarget target(String accelerator, String system, String mode, VelaTarget.Optimise optimise) {
        return new VelaTarget(accelerator, system, mode, optimise);
    }

    private static VelaTarget performance(String accelerator, String system, String mode) {
        return target(accelerator, system, mode, VelaTarget.Optimise.Performance);
    }

    // ---- targetCheck ----

    /**
     * 17 x 17 x 1, a 3 x 3 convolution with stride 4 padded to 5 x 5 x 8 (Ethos-U55 cannot run
     * stride 4 with padding; U85 can), then 10 outputs. MACs: 5*5*8*9 = 1,800 and 200*10 = 2,000
     * (52.63 % of 3,800); weight bytes (int8 + int32 bias): 72 + 32 = 104 and 2,000 + 40 = 2,040
     * (95.15 % of 2,144).
     */
    private static MultiLayerNetwork strideFourNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .weightInit(WeightInit.XAVIER_UNIFORM).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv_s4").stride(4, 4).nOut(8)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(17, 17, 1)).build());
        net.init();
        return net;
    }

    @Test
    void targetCheckNamesTheCpuOpsOnlyWhereTheCheckPutsThemThere() {
        MultiLayerNetwork net = strideFourNet();
        TargetCheck u55 = TargetCheck.of(net, NpuFamily.U55);
        String text = NpuFindings.targetCheck(u55).text();
        assertTrue(text.startsWith("1 of " + u55.layers().size() + " ops run on the CPU (Ethos-U55): `conv_s4`. "), text);
        assertTrue(text.contains(" does 52.63 % of the multiply-accumulates, and `"), text);
        assertTrue(text.contains("` holds 95.15 % of the weight bytes, read from flash or DRAM on every inference"), text);

        String u85 = NpuFindings.targetCheck(TargetCheck.of(net, NpuFamily.U85)).text();
        assertTrue(u85.startsWith("Every op runs on the NPU (Ethos-U85). "), u85);
        assertFalse(u85.contains("on the CPU"), u85);
    }

    // ---- operatorCosts ----

    private static List<OperatorCost> costs(double denseUtilisation, long denseCycles) {
        return List.of(
                new OperatorCost("CONV_2D", "conv1", "NPU", 30_000, 0.30, 1_000, 0.40, 0),
                new OperatorCost("CONV_2D", "conv2", "NPU", 40_000, 0.40, 1_000, 0.60, 0),
                new OperatorCost("FULLY_CONNECTED", "dense", "NPU", denseCycles, 0.20, 1_000, denseUtilisation, 0),
                new OperatorCost("SOFTMAX", "softmax", "NPU", 10_000, 0.10, 0, 0, 0));
    }

    @Test
    void operatorCostsCallTheDenseLayerStreamingOnlyWhereItsUtilisationIsBelowTheConvolutions() {
        List<VelaLayer> softmax = List.of(new VelaLayer("Softmax", "op1", "NPU", "softmax", 0, 4_000, 4_000, 0),
                new VelaLayer("Softmax", "op2", "NPU", "softmax", 0, 6_000, 6_000, 0));
        VelaReport a = report("int8", VelaTarget.ETHOS_U55_128, 10_000, 40, 100, 100_000, 90_000, 50_000, 0.2,
                1_000_000, softmax);
        VelaReport b = report("pruned", VelaTarget.ETHOS_U55_128, 4_000, 10, 100, 85_000, 80_000, 50_000, 0.17,
                1_000_000, List.of());
        assertEquals("In int8 on the ethos-u55-128, the most expensive operator is `conv2` (CONV_2D, 40.00 % of the "
                + "cycles); the convolutions together take 70.00 %. The fully connected `dense` keeps 5.00 % of the "
                + "MACs busy while it runs, against 60.00 % for `conv2`: it does few MACs per weight it streams. In "
                + "pruned it takes 5,000 cycles against 20,000 cycles (0.25×). The softmax becomes 2 NPU operations, "
                + "together 10,000 cycles (10.00 %).",
                NpuFindings.operatorCosts(a, costs(0.05, 20_000), b, costs(0.05, 5_000)).text());

        String busy = NpuFindings.operatorCosts(a, costs(0.70, 20_000), b, costs(0.70, 5_000)).text();
        assertTrue(busy.contains("keeps 70.00 % of the MACs busy while it runs, against 60.00 % for `conv2`. In pruned"), busy);
        assertFalse(busy.contains("few MACs per weight"), busy);
    }

    // ---- macScaling ----

    private static List<VelaReport> u55Curve(boolean... bound) {
        String[] accelerators = {"ethos-u55-32", "ethos-u55-64", "ethos-u55-128", "ethos-u55-256"};
        double[] millis = {0.5, 0.3, 0.2, 0.19};
        List<VelaReport> rs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long total = i == 3 ? 40_000 : 100_000; // 1,000,000 MACs: 25 per cycle on the biggest
            rs.add(report("int8", performance(accelerators[i], U55_SYSTEM, "Shared_Sram"), 10_000, 40, 100, total,
                    30_000, bound[i] ? 35_000 : 20_000, millis[i], 1_000_000, List.of()));
        }
        return rs;
    }

    @Test
    void macScalingSaysMemoryBoundOnlyWhereVelasFlagSaysSo() {
        String prefix = "int8 (Performance strategy):\n\n- **U55 flash**: ethos-u55-32 0.500 ms, ethos-u55-256 0.190 ms; "
                + "the ethos-u55-256 reaches 25 of its 256 MACs per cycle (9.77 %). ";
        assertEquals(prefix + "Memory bound from the ethos-u55-128 on, where more MACs take the time from 0.200 ms to "
                + "0.190 ms (0.95×).", NpuFindings.macScaling(u55Curve(false, false, true, true), "int8").text());
        assertEquals(prefix + "Not memory bound at any size.",
                NpuFindings.macScaling(u55Curve(false, false, false, false), "int8").text());
        assertEquals(prefix + "Memory bound on some sizes, but not on the biggest.",
                NpuFindings.macScaling(u55Curve(true, true, false, false), "int8").text());
        assertEquals(prefix + "Memory bound at every size.",
                NpuFindings.macScaling(u55Curve(true, true, true, true), "int8").text());
        assertEquals(prefix + "Memory bound from the ethos-u55-256 on.",
                NpuFindings.macScaling(u55Curve(false, false, false, true), "int8").text());
    }

    // ---- memoryModes ----

    private static List<VelaReport> modes(double dedicatedMillis, long cacheCycles) {
        VelaReport dedicated = report("int8", performance("ethos-u85-256", DRAM, "Dedicated_Sram"), 10_000, 0, 100,
                1_000, 900, 500, dedicatedMillis, 1_000_000, List.of());
        VelaReport cache = report("int8", performance("ethos-u85-256", DRAM, "Dedicated_Sram_384KB"), 10_000, 0, 100,
                cacheCycles, 900, 500, dedicatedMillis, 1_000_000, List.of());
        return List.of(
                timed("int8", performance("ethos-u85-256", FLASH, "Sram_Only"), 0.10, false),
                timed("int8", performance("ethos-u85-256", FLASH, "Shared_Sram"), 0.25, true),
                timed("int8", performance("ethos-u85-256", DRAM, "Sram_Only"), 0.10, false),
                dedicated, cache,
                timed("int8", target("ethos-u85-256", FLASH, "Shared_Sram", VelaTarget.Optimise.Size), 0.01, false),
                timed("other", performance("ethos-u85-256", FLASH, "Shared_Sram"), 0.01, false));
    }

    @Test
    void memoryModesCompareEachModeWithEverythingInSram() {
        assertEquals("- Sram_Only is the fastest mode for int8 on 2 of 2 accelerator and system pairs.\n"
                + "- The price of the flash is highest on ethos-u85-256 on " + FLASH + ": 0.100 ms with everything in "
                + "SRAM against 0.250 ms with the weights in flash (2.50×).\n"
                + "- Behind DRAM (Dedicated_Sram against Sram_Only) the time is 1.20× that of everything in SRAM: the "
                + "gap is smaller than with flash.\n"
                + "- The fixed-size dedicated caches give the unlimited cache's cycles on 1 of 1 pairs: int8's working "
                + "memory fits in the smallest of them.", NpuFindings.memoryModes(modes(0.12, 1_000), "int8").text());

        String dramFaster = NpuFindings.memoryModes(modes(0.05, 1_000), "int8").text();
        assertTrue(dramFaster.startsWith("- Sram_Only is the fastest mode for int8 on 1 of 2 accelerator and system "
                + "pairs; elsewhere ethos-u85-256 on " + DRAM + " Dedicated_Sram.\n"), dramFaster);

        String slowDram = NpuFindings.memoryModes(modes(0.30, 1_200), "int8").text();
        assertTrue(slowDram.contains("- Behind DRAM (Dedicated_Sram against Sram_Only) the time is 3.00× that of "
                + "everything in SRAM.\n"), slowDram);
        assertTrue(slowDram.endsWith("- The fixed-size dedicated caches give the unlimited cache's cycles on 0 of 1 "
                + "pairs."), slowDram);

        assertTrue(NpuFindings.memoryModes(modes(0.12, 1_000).subList(0, 1), "int8").text()
                .startsWith("This run's sweep compiles int8 in one memory mode per accelerator and system"));
    }

    // ---- strategies ----

    @Test
    void strategiesCountTheTargetsWhereSizeDiffersAndSayMemoryBoundFromTheFlag() {
        VelaTarget u55 = VelaTarget.ETHOS_U55_128;
        VelaTarget u55Wide = performance("ethos-u55-256", U55_SYSTEM, "Shared_Sram");
        VelaTarget u85 = VelaTarget.ETHOS_U85_256;
        List<VelaReport> sweep = new ArrayList<>(List.of(
                report("int8", u55, 10_000, 40, 100, 100_000, 90_000, 50_000, 0.2, 1_000_000, List.of()),
                report("int8", u55.optimisedFor(VelaTarget.Optimise.Size), 10_000, 40, 50, 120_000, 90_000, 95_000,
                        0.3, 1_000_000, List.of()),
                timed("int8", u55Wide, 0.1, false), timed("int8", u55Wide.optimisedFor(VelaTarget.Optimise.Size), 0.1, false),
                timed("int8", u85, 0.1, false), timed("int8", u85.optimisedFor(VelaTarget.Optimise.Size), 0.1, false),
                timed("other", u85.optimisedFor(VelaTarget.Optimise.Size), 0.1, false)));
        assertEquals("int8, Size against Performance:\n\n"
                + "- **Ethos-U55**: different figures on 1 of 2 targets; on ethos-u55-128 / " + U55_SYSTEM
                + " / Shared_Sram Size needs 0.50× the SRAM and 1.50× the time (0.300 ms instead of 0.200 ms, memory bound).\n"
                + "- **Ethos-U85**: the same cycles and SRAM on its one target.", NpuFindings.strategies(sweep, "int8").text());

        sweep.set(1, timed("int8", u55.optimisedFor(VelaTarget.Optimise.Size), 0.1, false));
        sweep.set(0, timed("int8", u55, 0.1, false));
        assertTrue(NpuFindings.strategies(sweep, "int8").text().contains("- **Ethos-U55**: the same cycles and SRAM on all 2 targets."));

        assertTrue(NpuFindings.strategies(sweep, "other").text().startsWith("No target of this run's sweep is compiled "
                + "for other with both strategies"));
    }

    // ---- versus ----

    @Test
    void versusWritesBothModelsFiguresAndTheirRatios() {
        VelaReport int8 = report("int8", VelaTarget.ETHOS_U55_128, 10_000, 40, 100, 100_000, 90_000, 50_000, 0.2,
                1_000_000, List.of());
        VelaReport pruned = report("pruned", VelaTarget.ETHOS_U55_128, 4_000, 10, 100, 80_000, 70_000, 50_000, 0.15,
                1_000_000, List.of());
        assertEquals("On the ethos-u55-128, pruned needs 4,000 B of NPU-encoded weights against 10,000 B for int8 "
                + "(0.40×) and 0.25× its off-chip flash; Vela estimates 0.150 ms per inference against 0.200 ms.",
                NpuFindings.versus(int8, pruned).text());
    }
}
