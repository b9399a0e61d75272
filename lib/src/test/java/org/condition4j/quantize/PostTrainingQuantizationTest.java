package org.condition4j.quantize;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostTrainingQuantizationTest {

    @Test
    void calibratedRangesAreTheMinAndMaxOfDl4jActivations() {
        MultiLayerNetwork net = TestNetworks.seedCnn();
        InferenceGraph graph = InferenceGraph.of(net);
        DataSet sample = TestNetworks.mnist().trainSample(Calibration.DEFAULT_SAMPLES);
        ActivationRanges ranges = Calibration.observe(graph, sample);
        assertEquals(graph.tensorNames(), List.copyOf(ranges.tensors()));
        List<INDArray> activations = net.feedForward(sample.getFeatures(), false);
        assertEquals(0.0, ranges.get(InferenceGraph.INPUT).min());
        assertEquals(1.0, ranges.get(InferenceGraph.INPUT).max());
        for (int layer : new int[] {0, 1, 2, 3, 4}) {
            String tensor = graph.tensorOfLayer(layer);
            INDArray a = activations.get(layer + 1);
            assertEquals(a.minNumber().doubleValue(), ranges.get(tensor).min(), 1e-5, tensor);
            assertEquals(a.maxNumber().doubleValue(), ranges.get(tensor).max(), 1e-4, tensor);
        }
        assertEquals(0.0, ranges.get("conv1").min(), "a ReLU output starts at 0");
    }

    @Test
    void calibrationQuantizesWeightsPerChannelAndActivationsByTheirRange() {
        MultiLayerNetwork net = TestNetworks.seedCnn();
        InferenceGraph graph = InferenceGraph.of(net);
        QuantizedGraph q = PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(100));
        // MNIST pixels in [0, 1]: the input scale is 1/255 and 0 maps to -128
        assertEquals(1.0 / 255, q.input().scale(), 1e-12);
        assertEquals(-128, q.input().zeroPoint());
        assertEquals(Int8Scheme.SOFTMAX_OUTPUT, q.output());
        assertEquals(q.params("conv2"), q.params("pool1"), "max pooling keeps its input's scale");
        // conv2's weights: DL4J's [out, in, kh, kw] against the per-channel int8 values
        INDArray w = net.getLayer(1).getParam("W");
        QuantizedWeights qw = q.weights(graph.opIndex("conv2"));
        assertEquals(32, qw.scales().length);
        int o = 17, i = 5, y = 2, x = 1;
        double maxAbs = w.get(org.nd4j.linalg.indexing.NDArrayIndex.point(o)).amaxNumber().doubleValue();
        assertEquals(maxAbs / 127, qw.scales()[o], 1e-9);
        long expected = Math.round(w.getDouble(o, i, y, x) / qw.scales()[o]);
        assertEquals(expected, qw.values()[((o * 3 + y) * 3 + x) * 32 + i]);
        // the dense layer gets one scale for the whole matrix
        assertEquals(6, graph.opIndex("dense/logits"));
        assertEquals(1, q.weights(6).scales().length);
        assertEquals(q.params("pool2").scale() * q.weights(6).scales()[0], q.weights(6).biasScales()[0], 1e-15);
    }

    @Test
    void rangesFromOutsideReplaceCalibration() {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.seedCnn());
        ActivationRanges learned = ActivationRanges.empty()
                .with(InferenceGraph.INPUT, 0, 1)
                .with("conv1", 0, 2.55)
                .with("conv2", 0, 5.1)
                .with("conv3", 0, 7.65)
                .with("dense/logits", -20, 12);
        QuantizedGraph q = PostTrainingQuantization.withRanges(graph, learned);
        assertEquals(0.01, q.params("conv1").scale(), 1e-12);
        assertEquals(-128, q.params("conv1").zeroPoint());
        assertEquals(32.0 / 255, q.params("dense/logits").scale(), 1e-12);
        assertEquals(Math.round(-128 + 20 / (32.0 / 255)), q.params("dense/logits").zeroPoint());
        assertSame(learned, q.ranges());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PostTrainingQuantization.withRanges(graph, ActivationRanges.empty()
                        .with(InferenceGraph.INPUT, 0, 1).with("conv1", 0, 1)));
        assertTrue(missing.getMessage().contains("missing for tensors [conv2, conv3, dense/logits]"),
                missing.getMessage());
    }

    @Test
    void anEmptyRepresentativeSetIsAClearError() {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.seedCnn());
        DataSet empty = new DataSet(Nd4j.create(DataType.FLOAT, 0, 784), Nd4j.create(DataType.FLOAT, 0, 10));
        for (DataSet data : new DataSet[] {empty, new DataSet()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PostTrainingQuantization.calibrate(graph, data));
            assertTrue(e.getMessage().contains("representative data set is empty"), e.getMessage());
        }
    }

    @Test
    void aWronglyShapedRepresentativeSetSaysExpectedAndGot() {
        InferenceGraph graph = InferenceGraph.of(TestNetworks.seedCnn());
        DataSet wrong = new DataSet(Nd4j.rand(DataType.FLOAT, 5, 100), Nd4j.create(DataType.FLOAT, 5, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostTrainingQuantization.calibrate(graph, wrong));
        assertTrue(e.getMessage().contains("[5, 100]"), e.getMessage());
        assertTrue(e.getMessage().contains("expected [n, 784]"), e.getMessage());
        DataSet threeChannels = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 3, 28, 28), Nd4j.create(DataType.FLOAT, 2, 10));
        e = assertThrows(IllegalArgumentException.class, () -> PostTrainingQuantization.calibrate(graph, threeChannels));
        assertTrue(e.getMessage().contains("[2, 3, 28, 28]") && e.getMessage().contains("[n, 1, 28, 28]"),
                e.getMessage());
    }
}
