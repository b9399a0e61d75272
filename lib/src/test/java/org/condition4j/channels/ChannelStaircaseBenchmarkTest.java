package org.condition4j.channels;

import org.condition4j.data.Mnist;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.io.AtomicFiles;
import org.condition4j.model.SeedCnn;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.OperatorCost;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.workshop.Workshop;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The staircase: Vela's cycles for conv2 of the seed CNN (untrained, exported int8) at 1 .. 64
 * output channels, per accelerator ({@code -Dstaircase.targets=u55|u85|both}, default both;
 * {@code -Dstaircase.max=64}). Writes {@code target/staircase-<accelerator>.csv} (channels,
 * conv2 cycles, conv3 cycles, which reads conv2's channels, network cycles) and prints it.
 */
@Tag("benchmark")
class ChannelStaircaseBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void cyclesAgainstConv2Channels() {
        String which = System.getProperty("staircase.targets", "both");
        int max = Integer.getInteger("staircase.max", 64);
        List<VelaTarget> targets = switch (which) {
            case "u55" -> List.of(VelaTarget.ETHOS_U55_128);
            case "u85" -> List.of(VelaTarget.ETHOS_U85_256);
            default -> List.of(VelaTarget.ETHOS_U55_128, VelaTarget.ETHOS_U85_256);
        };
        DataSet calibration = TestNetworks.mnist().trainSample(20);
        for (VelaTarget target : targets) {
            StringBuilder csv = new StringBuilder("channels,conv2_cycles,conv3_cycles,network_cycles\n");
            for (int channels = 1; channels <= max; channels++) {
                Path file = TfliteExport.int8(PostTrainingQuantization.calibrate(
                        InferenceGraph.of(seedCnnWithConv2(channels)), calibration)).writeTo(dir.resolve("conv2_" + channels + ".tflite"));
                VelaReport report = Workshop.vela().compile(file, target, dir.resolve("vela"));
                List<OperatorCost> costs = OperatorCost.of(report, TfliteModel.read(file));
                assertEquals("CONV_2D", costs.get(1).operator());
                assertEquals("CONV_2D", costs.get(3).operator());
                csv.append(channels).append(',').append(costs.get(1).cycles()).append(',').append(costs.get(3).cycles())
                        .append(',').append(report.totalCycles()).append('\n');
            }
            System.out.println(target.accelerator() + "\n" + csv);
            AtomicFiles.writeString(Path.of("target", "staircase-" + target.accelerator() + ".csv"), csv.toString());
        }
    }

    /** The seed CNN's layers with conv2 at {@code channels} output channels. */
    static MultiLayerNetwork seedCnnWithConv2(int channels) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(SeedCnn.SEED).weightInit(WeightInit.XAVIER_UNIFORM).convolutionMode(ConvolutionMode.Same).list()
                .layer(conv("conv1", 32))
                .layer(conv("conv2", channels))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1").kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(conv("conv3", 32))
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool2").kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("dense").nOut(Mnist.CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(SeedCnn.INPUT_TYPE).build());
        net.init();
        return net;
    }

    private static ConvolutionLayer conv(String name, int channels) {
        return new ConvolutionLayer.Builder(3, 3).name(name).nOut(channels).activation(Activation.RELU).build();
    }
}
