package org.condition4j.tflite;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.runtime.TfliteInterpreter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Copies of a file with one thing changed: they change that and nothing else. */
class DerivedCopyTest {
    static QuantizedGraph quantized;
    static TfliteModel model;
    static String logits;

    @BeforeAll
    static void export() {
        quantized = PostTrainingQuantization.calibrate(InferenceGraph.of(TestNetworks.seedCnn()),
                TestNetworks.mnist().trainSample(50));
        model = TfliteModel.of(TfliteExport.int8(quantized).toBytes());
        logits = model.logitsTensorName().orElseThrow();
    }

    @Test
    void theLogitsAreTheTensorBeforeTheSoftmax() {
        InferenceGraph graph = quantized.graph();
        assertEquals(graph.tensorNames().get(graph.ops().size() - 1), logits);
        InferenceGraph floatGraph = InferenceGraph.of(TestNetworks.seedCnn());
        assertEquals(logits, TfliteModel.of(TfliteExport.float32(floatGraph).toBytes()).logitsTensorName().orElseThrow());
        // a file cut before its softmax has no logits of that kind
        assertTrue(TfliteModel.of(TfliteExport.int8(quantized.prefix(graph.ops().size() - 1)).toBytes())
                .logitsTensorName().isEmpty());
    }

    /**
     * The copy with the logits as a second output computes the file's output and, as that output,
     * what the exporter's own file of the graph cut before the softmax computes: an independent
     * way to the same tensor.
     */
    @Test
    void aCopyWithTheLogitsAddedComputesTheFilesOutputAndTheCutFilesLogits() {
        TfliteModel copy = model.withOutputAdded(logits);
        assertEquals(List.of(model.output().name(), logits), copy.outputs().stream().map(TfliteModel.TensorInfo::name).toList());
        assertEquals(model.operators(), copy.operators());
        byte[] cut = TfliteExport.int8(quantized.prefix(quantized.graph().ops().size() - 1)).toBytes();
        float[][] images = TestNetworks.mnist().testSample(5).getFeatures().toFloatMatrix();
        try (TfliteInterpreter original = TfliteInterpreter.of(model.toBytes(), 1);
             TfliteInterpreter withLogits = TfliteInterpreter.of(copy.toBytes(), 1);
             TfliteInterpreter before = TfliteInterpreter.of(cut, 1)) {
            assertEquals(2, withLogits.outputs().size());
            assertEquals(before.outputParams(), withLogits.outputs().get(1).params());
            for (float[] image : images) {
                byte[] in = original.encodeInput(image);
                byte[][] both = withLogits.runRawOutputs(in);
                assertArrayEquals(original.runRaw(in), both[0]);
                assertArrayEquals(before.runRaw(in), both[1]);
            }
        }
    }

    @Test
    void aCopyWithOneValueChangedDiffersInThatValueOnly() {
        String weights = model.weightTensorNames().get(0);
        String bias = model.biasTensorNames().get(0);
        byte[] w = model.int8Values(weights);
        w[3] += 1;
        int[] b = model.int32Values(bias);
        b[1] -= 1;
        TfliteModel changed = model.withInt8Values(weights, w).withInt32Values(bias, b);
        assertArrayEquals(w, changed.int8Values(weights));
        assertArrayEquals(b, changed.int32Values(bias));
        for (String other : model.weightTensorNames().subList(1, model.weightTensorNames().size())) {
            assertArrayEquals(model.int8Values(other), changed.int8Values(other), other);
        }
        for (String other : model.biasTensorNames().subList(1, model.biasTensorNames().size())) {
            assertArrayEquals(model.int32Values(other), changed.int32Values(other), other);
        }
        assertEquals(model.operators(), changed.operators());
        assertEquals(model.output().name(), changed.output().name());
        assertEquals(1, changed.outputs().size());
    }

    @Test
    void badChangesAreRefusedClearly() {
        String weights = model.weightTensorNames().get(0);
        var tooFew = assertThrows(IllegalArgumentException.class,
                () -> model.withInt8Values(weights, new byte[3]));
        assertTrue(tooFew.getMessage().matches("Tensor '" + weights + "' holds \\d+ bytes; 3 given"), tooFew.getMessage());
        var again = assertThrows(IllegalArgumentException.class, () -> model.withOutputAdded(model.output().name()));
        assertTrue(again.getMessage().contains("is already an output"), again.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> model.withOutputAdded("nothing"));
        assertTrue(unknown.getMessage().startsWith("No tensor named 'nothing'"), unknown.getMessage());
        var wrongType = assertThrows(IllegalArgumentException.class,
                () -> model.withInt32Values(weights, new int[1]));
        assertTrue(wrongType.getMessage().contains("is INT8, not INT32"), wrongType.getMessage());
    }
}
