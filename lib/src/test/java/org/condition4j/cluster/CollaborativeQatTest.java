package org.condition4j.cluster;

import org.condition4j.collab.PreservingQat;
import org.condition4j.collab.PreservingQat.Keep;
import org.condition4j.model.ModelStore;
import org.condition4j.model.Training;
import org.condition4j.prune.PrunedModel;
import org.condition4j.prune.Pruning;
import org.condition4j.prune.PruningSchedule;
import org.condition4j.qat.QatModel;
import org.condition4j.qat.QuantizationAwareTraining;
import org.condition4j.tflite.TfliteExport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PQAT, CQAT and PCQAT on the small CNN (conv1, conv2, dense; pruned to 75 % and/or clustered to
 * K = 8 with a few fine-tuning steps each), each followed by quantization-aware training steps
 * with Adam and an int8 export. The network's zeros and value groupings are compared with the
 * test's own counts before and after QAT; the written file is read with the flatbuffer schema
 * classes directly (not the project's reader) and its int8 weights counted: zeros, distinct values
 * per output channel and per tensor. Plain QAT of the same network shows what is at stake.
 */
class CollaborativeQatTest {
    private static final int K = 8;
    private static final double SPARSITY = 0.75;
    private static final int STEPS = 10;
    private static final int[] KERNEL_LAYERS = {0, 2, 4};

    private static MultiLayerNetwork pruned;
    private static MultiLayerNetwork clustered;
    private static MultiLayerNetwork prunedClustered;
    private static final ClusteringConfig CLUSTERS = ClusteringConfig.of(K, CentroidInit.LINEAR);

    @TempDir
    Path dir;

    @BeforeAll
    static void pruneAndCluster() {
        TrainedBaseline base = TrainedBaseline.get();
        PrunedModel pruning = Pruning.lowMagnitude(base.net, PruningSchedule.constant(SPARSITY));
        fit(pruning.network(), pruning.listeners());
        pruned = pruning.strip();
        ClusteredModel plain = Clustering.cluster(base.net, CLUSTERS);
        fit(plain.network(), plain.listeners());
        clustered = plain.strip();
        ClusteredModel keepingZeros = Clustering.cluster(pruned, CLUSTERS.withSparsityPreserved());
        fit(keepingZeros.network(), keepingZeros.listeners());
        prunedClustered = keepingZeros.strip();
        for (int layer : KERNEL_LAYERS) {
            float[] w = kernel(prunedClustered, layer);
            assertTrue(zeros(w) >= SPARSITY * w.length - 1, "layer " + layer + " pruned before QAT");
            assertTrue(distinct(w) <= K, "layer " + layer + " clustered before QAT: " + distinct(w));
        }
    }

    @Test
    void pcqatKeepsEveryZeroAndAtMostKValuesInTheNetworkAndInTheFile() throws IOException {
        PreservingQat pcqat = PreservingQat.prepare(prunedClustered, Keep.ZEROS_AND_CLUSTERS, CLUSTERS);
        fit(pcqat.network(), pcqat.listeners());
        MultiLayerNetwork after = pcqat.strip();
        for (int layer : KERNEL_LAYERS) {
            float[] before = kernel(prunedClustered, layer);
            float[] now = kernel(after, layer);
            assertArrayEquals(zeroMask(before), zeroMask(now), "layer " + layer + ": the zeros are where they were");
            assertArrayEquals(partition(before), partition(now), "layer " + layer + ": the same weights share values");
            assertTrue(distinct(now) <= K, "layer " + layer);
        }
        assertFalse(Arrays.equals(kernel(prunedClustered, 2), kernel(after, 2)), "QAT trained the centroids");

        List<FileWeights> file = FileWeights.read(export(pcqat.qat(), "pcqat.tflite"));
        assertEquals(KERNEL_LAYERS.length, file.size(), "conv1, conv2, dense in the file");
        for (int k = 0; k < file.size(); k++) {
            FileWeights w = file.get(k);
            int networkZeros = zeros(kernel(after, KERNEL_LAYERS[k]));
            assertEquals(kernel(after, KERNEL_LAYERS[k]).length, w.values.length, w.name);
            assertTrue(w.zeros() >= networkZeros, w.name + ": " + w.zeros() + " zeros in the file, " + networkZeros
                    + " in the network");
            assertTrue(w.zeros() >= SPARSITY * w.values.length - 1, w.name + ": sparsity in the file "
                    + (double) w.zeros() / w.values.length);
            assertEquals(1, w.scales, w.name + ": clustered weights are exported with one scale per tensor");
            assertTrue(w.distinct() <= K, w.name + ": " + w.distinct() + " distinct int8 values in the layer");
        }
        ModelStore.save(pcqat.network(), dir.resolve("pcqat.zip"));
        MultiLayerNetwork saved = ModelStore.load(dir.resolve("pcqat.zip"));
        assertTrue(QatModel.of(saved).perTensorWeights(), "one scale per tensor survives saving");
    }

    @Test
    void pqatKeepsTheZerosAndCqatTheClusters() throws IOException {
        PreservingQat pqat = PreservingQat.prepare(pruned, Keep.ZEROS, null);
        fit(pqat.network(), pqat.listeners());
        List<FileWeights> pqatFile = FileWeights.read(export(pqat.qat(), "pqat.tflite"));
        for (int k = 0; k < KERNEL_LAYERS.length; k++) {
            float[] before = kernel(pruned, KERNEL_LAYERS[k]);
            assertArrayEquals(zeroMask(before), zeroMask(kernel(pqat.strip(), KERNEL_LAYERS[k])), "PQAT layer " + k);
            assertTrue(pqatFile.get(k).zeros() >= zeros(before), "PQAT file " + pqatFile.get(k).name);
        }

        PreservingQat cqat = PreservingQat.prepare(clustered, Keep.CLUSTERS, CLUSTERS);
        fit(cqat.network(), cqat.listeners());
        List<FileWeights> cqatFile = FileWeights.read(export(cqat.qat(), "cqat.tflite"));
        for (int k = 0; k < KERNEL_LAYERS.length; k++) {
            float[] before = kernel(clustered, KERNEL_LAYERS[k]);
            assertArrayEquals(partition(before), partition(kernel(cqat.strip(), KERNEL_LAYERS[k])), "CQAT layer " + k);
            assertTrue(cqatFile.get(k).distinct() <= K, "CQAT file " + cqatFile.get(k).name);
        }
        assertEquals(16, pqatFile.get(1).scales, "PQAT keeps conv2's per-channel scales");
    }

    /** Without the listeners the same training undoes both: the reason for PCQAT. */
    @Test
    void plainQatUndoesPruningAndClustering() throws IOException {
        QatModel plain = QuantizationAwareTraining.prepare(prunedClustered);
        fit(plain.network(), List.of());
        List<FileWeights> file = FileWeights.read(export(plain, "plain-qat.tflite"));
        FileWeights conv2 = file.get(1);
        // Adam moves every masked weight with a non-zero first moment; how many of them round back
        // to an int8 zero depends on the weights, that some do not is what PQAT exists for
        int zerosBefore = zeros(kernel(prunedClustered, KERNEL_LAYERS[1]));
        assertTrue(conv2.zeros() < zerosBefore, "plain QAT grew zeros back: " + conv2.zeros() + " int8 zeros of "
                + conv2.values.length + ", " + zerosBefore + " before QAT");
        assertTrue(conv2.maxDistinctPerChannel() > K, "plain QAT split the clusters: "
                + conv2.maxDistinctPerChannel());
    }

    @Test
    void refusesNetworksThatDoNotHoldWhatItShouldKeep() {
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> PreservingQat.prepare(pruned, Keep.ZEROS_AND_CLUSTERS, CLUSTERS));
        assertTrue(tooMany.getMessage().contains("distinct") && tooMany.getMessage().contains("Clustering.cluster"),
                tooMany.getMessage());
        IllegalArgumentException noZeros = assertThrows(IllegalArgumentException.class,
                () -> PreservingQat.prepare(TrainedBaseline.get().net, Keep.ZEROS, null));
        assertTrue(noZeros.getMessage().contains("no zeros"), noZeros.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PreservingQat.prepare(clustered, Keep.CLUSTERS, null));
    }

    private static void fit(MultiLayerNetwork net, List<org.deeplearning4j.optimize.api.TrainingListener> listeners) {
        Training.of(net).printingTo(TrainedBaseline.QUIET).withListeners(listeners)
                .fit(TrainedBaseline.get().mnist.train(64, 64 * STEPS), null, 1);
    }

    private Path export(QatModel qat, String name) {
        return TfliteExport.int8(qat.quantizedGraph()).writeTo(dir.resolve(name));
    }

    private static float[] kernel(MultiLayerNetwork net, int layer) {
        return net.getLayer(layer).getParam("W").dup('c').data().asFloat();
    }

    private static boolean[] zeroMask(float[] w) {
        boolean[] zero = new boolean[w.length];
        for (int i = 0; i < w.length; i++) {
            zero[i] = w[i] == 0;
        }
        return zero;
    }

    private static int zeros(float[] w) {
        int n = 0;
        for (float v : w) {
            n += v == 0 ? 1 : 0;
        }
        return n;
    }

    private static int distinct(float[] w) {
        Set<Float> values = new HashSet<>();
        for (float v : w) {
            values.add(v);
        }
        return values.size();
    }

    /** For each weight, an id of its value in order of first appearance: equal arrays mean equal groupings. */
    private static int[] partition(float[] w) {
        Map<Float, Integer> ids = new HashMap<>();
        int[] classes = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            classes[i] = ids.computeIfAbsent(w[i], v -> ids.size());
        }
        return classes;
    }

    /** One int8 weight tensor as the file stores it, read with the schema classes only. */
    private record FileWeights(String name, int[] shape, byte[] values, int channelDim, int scales) {
        static List<FileWeights> read(Path file) throws IOException {
            Model model = Model.getRootAsModel(ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN));
            SubGraph graph = model.subgraphs(0);
            List<FileWeights> weights = new ArrayList<>();
            for (int k = 0; k < graph.operatorsLength(); k++) {
                Operator op = graph.operators(k);
                int code = model.operatorCodes((int) op.opcodeIndex()).builtinCode();
                if (code != BuiltinOperator.CONV_2D && code != BuiltinOperator.FULLY_CONNECTED
                        && code != BuiltinOperator.DEPTHWISE_CONV_2D) {
                    continue;
                }
                Tensor tensor = graph.tensors(op.inputs(1));
                ByteBuffer data = model.buffers((int) tensor.buffer()).dataAsByteBuffer();
                byte[] values = new byte[data.remaining()];
                data.get(values);
                int[] shape = new int[tensor.shapeLength()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = tensor.shape(d);
                }
                weights.add(new FileWeights(tensor.name(), shape, values,
                        code == BuiltinOperator.DEPTHWISE_CONV_2D ? 3 : 0, tensor.quantization().scaleLength()));
            }
            return weights;
        }

        int zeros() {
            int n = 0;
            for (byte v : values) {
                n += v == 0 ? 1 : 0;
            }
            return n;
        }

        int distinct() {
            Set<Byte> set = new HashSet<>();
            for (byte v : values) {
                set.add(v);
            }
            return set.size();
        }

        /** Row-major: the channel of element i along {@code channelDim}. */
        int maxDistinctPerChannel() {
            int inner = 1;
            for (int d = channelDim + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
            int channels = shape[channelDim];
            List<Set<Byte>> sets = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                sets.add(new HashSet<>());
            }
            for (int i = 0; i < values.length; i++) {
                sets.get((i / inner) % channels).add(values[i]);
            }
            return sets.stream().mapToInt(Set::size).max().orElseThrow();
        }
    }
}
