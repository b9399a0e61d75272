package org.condition4j.cluster;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.tflite.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import tech.tablesaw.api.Row;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clustered, fine-tuned, stripped, quantized and written by the project's TFLite writer: the
 * int8 weights in the file keep at most K values per output channel, exactly as
 * {@link ClusterStatistics} predicts, and the TFLite interpreter agrees with DL4J on accuracy.
 */
class ClusteredExportTest {

    @Test
    void perLayerClustersKeepAtMostKInt8ValuesPerOutputChannelInTheFile() {
        ClusteredModel clustered = Clustering.cluster(TrainedBaseline.get().net, ClusteringConfig.of(16, CentroidInit.LINEAR));
        clustered.training().printingTo(TrainedBaseline.QUIET).fit(TrainedBaseline.get().train, null, 1);
        MultiLayerNetwork stripped = clustered.strip();
        byte[] tfliteFile = exportInt8(stripped);
        TfliteModel model = TfliteModel.of(tfliteFile);

        System.out.println(ClusterStatistics.of(stripped).print());
        for (Row row : ClusterStatistics.of(stripped)) {
            String layer = row.getString("name");
            Counts file = count(model, layer);
            assertTrue(file.mostPerChannel <= 16, layer + ": " + file.mostPerChannel + " int8 values in a channel");
            assertEquals(row.getInt("max distinct int8 per channel"), file.mostPerChannel, layer);
            assertEquals(row.getInt("distinct int8"), file.inTensor, layer);
        }
        assertTrue(count(model, "dense").inTensor <= 16, "the dense matrix has one scale: at most K in all");
        assertInterpreterAgreesWithDl4j(stripped, tfliteFile);
    }

    @Test
    void perChannelClustersKeepAtMostKInt8ValuesPerOutputChannelInTheFile() {
        ClusteredModel clustered = Clustering.cluster(TrainedBaseline.get().net,
                ClusteringConfig.of(4, CentroidInit.DENSITY_BASED).perChannel());
        MultiLayerNetwork stripped = clustered.strip();
        byte[] tfliteFile = exportInt8(stripped);
        TfliteModel model = TfliteModel.of(tfliteFile);
        for (String layer : List.of("conv1", "conv2", "dense")) {
            Counts file = count(model, layer);
            assertTrue(file.mostPerChannel <= 4, layer + ": " + file.mostPerChannel + " int8 values in a channel");
            assertTrue(file.inTensor > 4, layer + " holds K values per channel, more in all");
        }
        assertInterpreterAgreesWithDl4j(stripped, tfliteFile);
    }

    private static byte[] exportInt8(MultiLayerNetwork net) {
        InferenceGraph graph = InferenceGraph.of(net);
        DataSet representative = TrainedBaseline.get().mnist.trainSample(100);
        return TfliteExport.int8(PostTrainingQuantization.calibrate(graph, representative)).toBytes();
    }

    private static void assertInterpreterAgreesWithDl4j(MultiLayerNetwork net, byte[] tfliteFile) {
        DataSet images = TrainedBaseline.get().mnist.testSample(500);
        double dl4j = net.evaluate(new SingletonDataSetIterator(images)).accuracy();
        double tflite;
        try (TfliteInterpreter interpreter = TfliteInterpreter.of(tfliteFile, 1)) {
            tflite = interpreter.accuracy(images);
        }
        System.out.printf("accuracy on 500 test images: DL4J float %.3f, TFLite int8 %.3f%n", dl4j, tflite);
        assertEquals(dl4j, tflite, 0.02, "DL4J float vs TFLite int8 accuracy of the clustered model");
    }

    /** Distinct int8 values in the whole tensor and the most in one output channel. */
    private record Counts(int inTensor, int mostPerChannel) {}

    /**
     * Counts in the weight tensor of the DL4J layer {@code layer} (the writer names it
     * "layer/.../weights") as stored: CONV_2D [out, kh, kw, in] and FULLY_CONNECTED
     * [out, in] have their output channel on axis 0, DEPTHWISE_CONV_2D [1, kh, kw, channels] on
     * axis 3; the quantized dimension says which for per-channel tensors.
     */
    private static Counts count(TfliteModel model, String layer) {
        List<String> tensors = model.weightTensorNames().stream().filter(n -> n.startsWith(layer + "/")).toList();
        assertEquals(1, tensors.size(), "weight tensors of " + layer + ": " + tensors);
        String tensor = tensors.get(0);
        TfliteModel.TensorInfo info = model.tensor(tensor);
        byte[] values = model.int8Values(tensor);
        int axis = info.scales().length > 1 ? info.quantizedDimension() : 0;
        int[] shape = info.shape();
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int channels = shape[axis];
        List<Set<Byte>> perChannel = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            perChannel.add(new HashSet<>());
        }
        Set<Byte> all = new HashSet<>();
        for (int i = 0; i < values.length; i++) {
            perChannel.get((i / inner) % channels).add(values[i]);
            all.add(values[i]);
        }
        return new Counts(all.size(), perChannel.stream().mapToInt(Set::size).max().orElse(0));
    }
}
