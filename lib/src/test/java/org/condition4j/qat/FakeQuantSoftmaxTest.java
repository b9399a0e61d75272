package org.condition4j.qat;

import org.condition4j.backend.Backend;
import org.condition4j.quantize.Int8Scheme;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.condition4j.qat.GridAssertions.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FakeQuantSoftmaxTest {

    @BeforeAll
    static void start() {
        Backend.start();
    }

    @Test
    void probabilitiesAreTheSoftmaxOfLogitsRoundedToTheirLearnedGrid() {
        FakeQuantSoftmax softmax = new FakeQuantSoftmax(new MovingAverageRange());
        INDArray logits = Nd4j.randn(3L, new long[] {6, 10}).muli(4);
        softmax.getRange().expectBatch();
        INDArray probabilities = softmax.getActivation(logits.dup(), true);

        Int8Scheme.ActivationParams params = Int8Scheme.activation(logits.minNumber().doubleValue(),
                logits.maxNumber().doubleValue());
        double[] z = doubles(logits);
        double[] roundedLogits = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            roundedLogits[i] = params.fakeQuantize((float) z[i]);
        }
        INDArray expected = new ActivationSoftmax().getActivation(
                Nd4j.createFromArray(roundedLogits).reshape(6, 10).castTo(logits.dataType()), false);
        assertArrayEquals(doubles(expected), doubles(probabilities), 1e-6);
    }

    @Test
    void gradientIsTheSoftmaxGradientAtTheRoundedLogitsMaskedOutsideTheRange() {
        FakeQuantSoftmax softmax = new FakeQuantSoftmax(new MovingAverageRange());
        softmax.getRange().expectBatch();
        softmax.getActivation(Nd4j.createFromArray(new float[] {-2f, 0f, 3f}).reshape(1, 3), true); // [-2, 3]
        Int8Scheme.ActivationParams params = softmax.getRange().params();

        INDArray logits = Nd4j.createFromArray(new float[] {-5f, 0.7f, 1.3f, 2.2f, 4f}).reshape(1, 5);
        INDArray epsilon = Nd4j.createFromArray(new float[] {0.3f, -0.2f, 0.5f, 0.1f, -0.9f}).reshape(1, 5);
        INDArray gradient = softmax.backprop(logits.dup(), epsilon.dup()).getFirst();

        double[] rounded = new double[5];
        double[] z = doubles(logits);
        for (int i = 0; i < 5; i++) {
            rounded[i] = params.fakeQuantize(z[i]);
        }
        INDArray atRounded = new ActivationSoftmax().backprop(
                Nd4j.createFromArray(rounded).reshape(1, 5).castTo(logits.dataType()), epsilon.dup()).getFirst();
        double[] expected = doubles(atRounded);
        expected[0] = 0; // -5 is below the range
        expected[4] = 0; // 4 is above it
        assertArrayEquals(expected, doubles(gradient), 1e-6);
    }
}
