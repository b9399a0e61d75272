package org.condition4j.cluster;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.testing.Int8Bounds;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.runtime.TfliteInterpreter;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.tflite.WeightStatistics;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.Row;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clustered, fine-tuned, stripped, quantized and written by the project's TFLite writer: the
 * int8 weights in the file keep at most K values per output channel, exactly as
 * {@link ClusterStatistics} predicts, and the TFLite interpreter computes what the int8
 * specification allows for the clustered network ({@link Int8Bounds}).
 */
class ClusteredExportTest {

    @Test
    void perLayerClustersKeepAtMostKInt8ValuesPerOutputChannelInTheFile() {
        ClusteredModel clustered = Clustering.cluster(TrainedBaseline.get().net, ClusteringConfig.of(16, CentroidInit.LINEAR));
        clustered.training().printingTo(TrainedBaseline.QUIET).fit(TrainedBaseline.get().train, null, 1);
        MultiLayerNetwork stripped = clustered.strip();
        QuantizedGraph q = quantize(stripped);
        byte[] tfliteFile = TfliteExport.int8(q).toBytes();
        TfliteModel model = TfliteModel.of(tfliteFile);

        System.out.println(ClusterStatistics.of(stripped).print());
        for (Row row : ClusterStatistics.of(stripped)) {
            String layer = row.getString("name");
            WeightStatistics.Tensor file = count(model, layer);
            assertTrue(file.maxDistinctPerChannel() <= 16, layer + ": " + file.maxDistinctPerChannel() + " int8 values in a channel");
            assertEquals(row.getInt("max distinct int8 per channel"), file.maxDistinctPerChannel(), layer);
            assertEquals(row.getInt("distinct int8"), file.distinct(), layer);
        }
        assertTrue(count(model, "dense").distinct() <= 16, "the dense matrix has one scale: at most K in all");
        assertWithinSpec(q, tfliteFile);
    }

    /**
     * Exported with one weight scale per tensor, every clustered layer keeps exactly its K
     * centroids as K int8 values in the file, and the file compresses better than the same
     * network exported with per-channel scales.
     */
    @Test
    void perTensorScalesKeepAtMostKInt8ValuesPerLayerInTheFile() {
        ClusteredModel clustered = Clustering.cluster(TrainedBaseline.get().net, ClusteringConfig.of(16, CentroidInit.LINEAR));
        MultiLayerNetwork stripped = clustered.strip();
        InferenceGraph graph = InferenceGraph.of(stripped);
        var calibrated = PostTrainingQuantization.calibrate(graph, TrainedBaseline.get().mnist.trainSample(100));
        byte[] perTensor = TfliteExport.int8(calibrated.withPerTensorWeights()).toBytes();
        byte[] perChannel = TfliteExport.int8(calibrated).toBytes();
        TfliteModel model = TfliteModel.of(perTensor);
        for (WeightStatistics.Tensor weights : model.weightStatistics().tensors()) {
            assertEquals(1, model.tensor(weights.name()).scales().length, weights.name());
            assertTrue(weights.distinct() <= 16, weights.name() + " holds " + weights.distinct() + " int8 values");
        }
        assertTrue(count(TfliteModel.of(perChannel), "conv2").distinct() > 16,
                "per-channel scales spread conv2's centroids over more int8 values (the reason for per-tensor)");
        assertTrue(gzip(perTensor) < gzip(perChannel), "per-tensor " + gzip(perTensor) + " vs per-channel " + gzip(perChannel));
        assertWithinSpec(calibrated.withPerTensorWeights(), perTensor);
    }

    private static int gzip(byte[] bytes) {
        var out = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.size();
    }

    @Test
    void perChannelClustersKeepAtMostKInt8ValuesPerOutputChannelInTheFile() {
        ClusteredModel clustered = Clustering.cluster(TrainedBaseline.get().net,
                ClusteringConfig.of(4, CentroidInit.DENSITY_BASED).withClustersPerChannel());
        MultiLayerNetwork stripped = clustered.strip();
        QuantizedGraph q = quantize(stripped);
        byte[] tfliteFile = TfliteExport.int8(q).toBytes();
        TfliteModel model = TfliteModel.of(tfliteFile);
        for (String layer : List.of("conv1", "conv2", "dense")) {
            WeightStatistics.Tensor file = count(model, layer);
            assertTrue(file.maxDistinctPerChannel() <= 4, layer + ": " + file.maxDistinctPerChannel() + " int8 values in a channel");
            assertTrue(file.distinct() > 4, layer + " holds K values per channel, more in all");
        }
        assertWithinSpec(q, tfliteFile);
    }

    private static QuantizedGraph quantize(MultiLayerNetwork net) {
        InferenceGraph graph = InferenceGraph.of(net);
        DataSet representative = TrainedBaseline.get().mnist.trainSample(100);
        return PostTrainingQuantization.calibrate(graph, representative);
    }

    /**
     * The file, run by the TFLite interpreter on 500 test images, computes what the int8
     * specification allows for the clustered float network: every tensor within its bound, the
     * output within a step of the reference's softmax, the float class wherever its margin
     * exceeds the bound. Holds for any weights, unlike an accuracy difference.
     */
    private static void assertWithinSpec(QuantizedGraph q, byte[] tfliteFile) {
        DataSet images = TrainedBaseline.get().mnist.testSample(500);
        float[][] features = images.getFeatures().toFloatMatrix();
        byte[][] outputs = new byte[features.length][];
        try (TfliteInterpreter interpreter = TfliteInterpreter.of(tfliteFile, 1)) {
            for (int i = 0; i < features.length; i++) {
                outputs[i] = interpreter.runRaw(features[i]);
            }
        }
        Int8Bounds.Report report = Int8Bounds.check(q, q.graph().inputs(images.getFeatures()), outputs);
        System.out.println("clustered int8 file against the clustered float network: " + report);
        assertTrue(report.holds(), report.toString());
    }

    /** The file's counts for the weight tensor of DL4J layer {@code layer} (named "layer/.../weights"). */
    private static WeightStatistics.Tensor count(TfliteModel model, String layer) {
        List<WeightStatistics.Tensor> tensors = model.weightStatistics().tensors().stream()
                .filter(t -> t.name().startsWith(layer + "/")).toList();
        assertEquals(1, tensors.size(), "weight tensors of " + layer + ": " + tensors);
        return tensors.get(0);
    }
}
