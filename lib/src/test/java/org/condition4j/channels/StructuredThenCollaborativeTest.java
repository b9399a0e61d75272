package org.condition4j.channels;

import org.condition4j.cluster.CentroidInit;
import org.condition4j.cluster.ClusteredModel;
import org.condition4j.cluster.Clustering;
import org.condition4j.cluster.ClusteringConfig;
import org.condition4j.collab.PreservingQat;
import org.condition4j.data.Mnist;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.model.Training;
import org.condition4j.prune.PrunedModel;
import org.condition4j.prune.Pruning;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.workshop.Workshop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channel pruning composes: the smaller seed CNN goes through magnitude pruning, sparsity-preserving
 * clustering and PCQAT (a few steps each) and exports; the file keeps the smaller shapes, every
 * kernel's zeros and at most K int8 values, runs wholly on the NPU, and Vela counts fewer cycles
 * than for the unpruned seed CNN.
 */
class StructuredThenCollaborativeTest {
    private static final int BATCH = 64;
    private static final int STEPS = 4;
    private static final int K = 8;
    private static final double SPARSITY = 0.5;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @Test
    void theSmallerNetworkTakesPruningClusteringAndPcqatAndExportsForTheNpu() {
        Mnist mnist = TestNetworks.mnist();
        MultiLayerNetwork seed = TestNetworks.seedCnn();
        ChannelPrunedModel slim = ChannelPruning.of(seed).prune(PruningSchedule.constant(0.5, 0, 100));
        fit(slim.network(), slim.listeners(), mnist);
        MultiLayerNetwork smaller = slim.strip();

        PrunedModel pruned = Pruning.lowMagnitude(smaller, PruningSchedule.constant(SPARSITY, 0, 100));
        fit(pruned.network(), pruned.listeners(), mnist);
        ClusteringConfig clusters = ClusteringConfig.of(K, CentroidInit.LINEAR);
        ClusteredModel clustered = Clustering.cluster(pruned.strip(), clusters.withSparsityPreserved());
        fit(clustered.network(), clustered.listeners(), mnist);
        PreservingQat pcqat = PreservingQat.prepare(clustered.strip(), PreservingQat.Keep.ZEROS_AND_CLUSTERS, clusters);
        pcqat.training().printingTo(QUIET).fit(mnist.train(BATCH, STEPS * BATCH), null, 1);
        Path file = TfliteExport.int8(pcqat.quantizedGraph()).writeTo(dir.resolve("structured_pcqat.tflite"));

        TfliteModel model = TfliteModel.read(file);
        assertEquals(ChannelPruningTest.shapes(List.of(new int[] {16, 3, 3, 1}, new int[] {16, 3, 3, 16},
                new int[] {16, 3, 3, 16}, new int[] {10, 16 * 49})), ChannelPruningTest.shapes(ChannelPruningTest.weightShapes(model)));
        for (String tensor : model.weightTensorNames()) {
            byte[] int8 = model.int8Values(tensor);
            int zeros = 0;
            Set<Byte> distinct = new HashSet<>();
            for (byte v : int8) {
                zeros += v == 0 ? 1 : 0;
                distinct.add(v);
            }
            // magnitude pruning zeroes exactly round(n * sparsity) weights; PCQAT keeps them on the fixed zero centroid
            assertTrue(zeros >= Math.round(int8.length * SPARSITY), tensor + ": " + zeros + " zeros of " + int8.length);
            assertTrue(distinct.size() <= K, tensor + ": " + distinct.size() + " int8 values, more than K = " + K);
        }

        Path plain = TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(seed), mnist.trainSample(100)))
                .writeTo(dir.resolve("plain_int8.tflite"));
        VelaReport structured = Workshop.vela().compile(file, VelaTarget.ETHOS_U55_128, dir.resolve("vela"));
        VelaReport unpruned = Workshop.vela().compile(plain, VelaTarget.ETHOS_U55_128, dir.resolve("vela"));
        System.out.printf("ethos-u55-128: structured + PCQAT %,d cycles, %,d encoded weight bytes; plain int8 %,d cycles,"
                        + " %,d bytes%n", structured.totalCycles(), structured.encodedWeightBytes(),
                unpruned.totalCycles(), unpruned.encodedWeightBytes());
        assertEquals(0, structured.cpuOperators(), "every operator on the NPU: " + structured.cpuOperations());
        assertTrue(structured.totalCycles() < unpruned.totalCycles(), "fewer channels, fewer cycles");
        assertTrue(structured.macs() < unpruned.macs(), "fewer channels, fewer multiply-accumulates");
    }

    private static void fit(MultiLayerNetwork net, List<TrainingListener> listeners, Mnist mnist) {
        Training.of(net).printingTo(QUIET).withListeners(listeners).fit(mnist.train(BATCH, STEPS * BATCH), null, 1);
    }
}
