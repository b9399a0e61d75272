package org.condition4j.npu;

import org.condition4j.layers.UnsupportedNetworkException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the check tells the user, without Vela (TargetCheckAgainstVelaTest compares the verdicts with Vela). */
class TargetCheckTest {

    @Test
    void cpuVerdictNamesTheRuleAndWhatToChange() {
        TargetCheck u55 = TargetCheck.of(AwkwardNetworks.named("conv_stride4_padded"), NpuFamily.U55);
        LayerCheck conv = u55.layer("conv_s4");
        assertEquals(Placement.CPU, conv.placement());
        assertEquals("CONV_2D", conv.operator());
        Violation v = conv.violations().get(0);
        assertTrue(v.rule().contains("stride above 3"), v.rule());
        assertTrue(v.found().contains("4x4"), v.found());
        assertTrue(v.fix().contains("ConvolutionMode.Truncate"), v.fix());
        assertTrue(TargetCheck.of(AwkwardNetworks.named("conv_stride4_padded"), NpuFamily.U85).allOnNpu());
    }

    @Test
    void channelAdviceCountsBricksOfSixteen() {
        TargetCheck check = TargetCheck.of(AwkwardNetworks.named("channels_17_33"), NpuFamily.U85);
        assertTrue(check.allOnNpu());
        List<Advice> channels = check.advice().stream().filter(a -> a.kind() == Advice.Kind.CHANNELS).toList();
        // 17 -> 2 bricks = 32 slots, 15 empty (47 %); 33 -> 3 bricks = 48 slots, 15 empty (31 %); 20 -> 32, 38 %
        assertEquals(List.of("conv17", "conv33", "dense20"), channels.stream().map(Advice::tensor).toList());
        assertTrue(channels.get(0).message().contains("2 bricks of 16 (32 slots, 47 % empty)"), channels.get(0).message());
        assertTrue(channels.get(1).message().contains("3 bricks of 16 (48 slots, 31 % empty)"), channels.get(1).message());
        assertTrue(channels.get(2).message().contains("38 % empty"), channels.get(2).message());
        // the output layer's 10 classes are the task's, not a choice: no advice
        assertFalse(check.advice().stream().anyMatch(a -> a.kind() == Advice.Kind.CHANNELS && a.tensor().startsWith("output")));
    }

    @Test
    void dominantLayersByMacsAndWeights() {
        // seed CNN: conv 3x3 x32 on 28x28x1, conv 3x3 x32 on 28x28x32, pool, conv 3x3 x32 on 14x14x32, pool, dense 1568->10
        TargetCheck check = TargetCheck.of(org.condition4j.model.SeedCnn.create(), NpuFamily.U55);
        long conv1 = 28L * 28 * 32 * 9;
        long conv2 = 28L * 28 * 32 * 9 * 32;
        long conv3 = 14L * 14 * 32 * 9 * 32;
        long dense = 7L * 7 * 32 * 10;
        assertEquals(conv1 + conv2 + conv3 + dense, check.totalMacs());
        List<String> macHeavy = check.advice().stream().filter(a -> a.kind() == Advice.Kind.MACS).map(Advice::tensor).toList();
        assertEquals(List.of("conv2"), macHeavy); // 78 %; conv3 has 19 %
        List<String> weightHeavy = check.advice().stream().filter(a -> a.kind() == Advice.Kind.WEIGHTS)
                .map(Advice::tensor).toList();
        assertTrue(weightHeavy.contains("dense/logits"), weightHeavy.toString()); // 15,680 + 40 of 34,824 bytes
    }

    @Test
    void aNetworkTheExporterCannotWriteFailsWithItsMessage() {
        MultiLayerNetwork tanh = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1)).build());
        tanh.init();
        UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class,
                () -> TargetCheck.of(tanh, NpuFamily.U55));
        assertTrue(e.getMessage().contains("activation"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NpuFamily.ofAccelerator("cortex-m55"));
        assertEquals(NpuFamily.U65, NpuFamily.ofAccelerator("ethos-u65-512"));
    }
}
