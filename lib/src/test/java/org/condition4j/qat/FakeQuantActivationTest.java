package org.condition4j.qat;

import org.condition4j.backend.Backend;
import org.condition4j.quantize.Int8Scheme;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.condition4j.qat.GridAssertions.assertOnGrid;
import static org.condition4j.qat.GridAssertions.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FakeQuantActivationTest {

    @BeforeAll
    static void start() {
        Backend.start();
    }

    /** One training step's forward pass: the weight quantizer announces the batch, then the activation runs. */
    private static INDArray trainingStep(FakeQuantActivation activation, INDArray z) {
        activation.getRange().expectBatch();
        return activation.getActivation(z.dup(), true);
    }

    @Test
    void outputIsTheWrappedActivationRoundedToTheGridOfTheLearnedRange() {
        FakeQuantActivation relu = new FakeQuantActivation(new ActivationReLU(), new MovingAverageRange());
        INDArray z = Nd4j.randn(42L, new long[] {4, 3, 5, 5}).muli(2);
        INDArray out = trainingStep(relu, z);

        double max = z.maxNumber().doubleValue();
        Int8Scheme.ActivationParams params = Int8Scheme.activation(0, max);
        assertEquals(0, relu.getRange().getMin());
        assertEquals(max, relu.getRange().getMax(), 1e-6);
        assertOnGrid(out, params);
        double[] input = doubles(z);
        double[] output = doubles(out);
        for (int i = 0; i < input.length; i++) {
            assertEquals(params.fakeQuantize(Math.max(0, (float) input[i])), output[i], 1e-6);
        }
    }

    @Test
    void beforeAnyTrainingStepTheActivationStaysFloat() {
        FakeQuantActivation identity = new FakeQuantActivation(new ActivationIdentity(), new MovingAverageRange());
        INDArray z = Nd4j.randn(1L, new long[] {10, 7});
        assertEquals(z, identity.getActivation(z.dup(), false));
        assertEquals(z, identity.getActivation(z.dup(), true), "no batch was announced, so nothing is learned");
        assertFalse(identity.getRange().hasRange());
    }

    @Test
    void gradientPassesStraightThroughInsideTheRangeAndIsZeroWhereClipped() {
        FakeQuantActivation relu = new FakeQuantActivation(new ActivationReLU(), new MovingAverageRange());
        trainingStep(relu, Nd4j.createFromArray(new float[] {-1f, 0.5f, 2f}).reshape(1, 3)); // range [0, 2]
        Int8Scheme.ActivationParams params = Int8Scheme.activation(0, 2);

        float[] z = {-3f, -0.1f, 0.3f, 1.0f, 1.99f, (float) params.max(), 2.5f, 7f};
        float[] epsilon = {0.5f, -1f, 2f, -3f, 4f, 5f, -6f, 7f};
        INDArray zArray = Nd4j.createFromArray(z).reshape(2, 4);
        INDArray gradient = relu.backprop(zArray.dup(), Nd4j.createFromArray(epsilon).reshape(2, 4)).getFirst();

        // ReLU blocks z < 0; clipping above the range blocks z > max; the rest passes unchanged.
        float[] expected = {0f, 0f, 2f, -3f, 4f, 5f, 0f, 0f};
        assertArrayEquals(expected, gradient.dup('c').data().asFloat(), 0f);
    }

    @Test
    void rangeIsTheMovingAverageOfBatchRangesWidenedToHoldZero() {
        double decay = 0.9;
        FakeQuantActivation identity = new FakeQuantActivation(new ActivationIdentity(), new MovingAverageRange(decay));
        double[][] batches = {{-1, 3}, {0.5, 5}, {-4, 2}};
        double min = 0;
        double max = 0;
        for (int b = 0; b < batches.length; b++) {
            INDArray batch = evenlySpaced(batches[b][0], batches[b][1], 11);
            trainingStep(identity, batch);
            double lo = Math.min(batches[b][0], 0);
            double hi = Math.max(batches[b][1], 0);
            min = b == 0 ? lo : min + (lo - min) * (1 - decay);
            max = b == 0 ? hi : max + (hi - max) * (1 - decay);
            assertEquals(min, identity.getRange().getMin(), 1e-6, "min after batch " + b);
            assertEquals(max, identity.getRange().getMax(), 1e-6, "max after batch " + b);
            assertEquals(b + 1, identity.getRange().getBatches());
        }
        // Further passes in the same step (DL4J recomputes the output activation for the loss and
        // the score), and inference, leave the range alone.
        identity.getActivation(evenlySpaced(-100, 100, 5), true);
        identity.getActivation(evenlySpaced(-100, 100, 5), false);
        assertEquals(min, identity.getRange().getMin(), 1e-6);
        assertEquals(max, identity.getRange().getMax(), 1e-6);
        assertEquals(3, identity.getRange().getBatches());
    }

    private static INDArray evenlySpaced(double from, double to, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (from + (to - from) * i / (count - 1));
        }
        return Nd4j.createFromArray(values).reshape(1, count);
    }

    @Test
    void invalidDecayIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MovingAverageRange(1.0));
        assertTrue(e.getMessage().contains("decay 1.0"), e.getMessage());
    }
}
