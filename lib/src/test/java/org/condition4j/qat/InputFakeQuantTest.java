package org.condition4j.qat;

import org.condition4j.backend.Backend;
import org.condition4j.quantize.Int8Scheme;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.condition4j.qat.GridAssertions.assertOnGrid;
import static org.condition4j.qat.GridAssertions.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class InputFakeQuantTest {

    @BeforeAll
    static void start() {
        Backend.start();
    }

    @Test
    void trainingInputIsRoundedToItsLearnedGridAndTheGradientMaskedOutsideIt() {
        InputFakeQuant input = new InputFakeQuant(new MovingAverageRange(0.5));
        INDArray first = Nd4j.rand(7L, new long[] {8, 20}); // uniform [0, 1)
        input.applyDropout(first, first.ulike(), 0, 0, LayerWorkspaceMgr.noWorkspaces());

        INDArray second = Nd4j.rand(8L, new long[] {8, 20}).muli(3).subi(1); // [-1, 2)
        INDArray quantized = input.applyDropout(second, second.ulike(), 1, 0, LayerWorkspaceMgr.noWorkspaces());

        MovingAverageRange range = input.getRange();
        double min = Math.min(first.minNumber().doubleValue(), 0);
        double max = first.maxNumber().doubleValue();
        assertEquals(min + (second.minNumber().doubleValue() - min) * 0.5, range.getMin(), 1e-6);
        assertEquals(max + (second.maxNumber().doubleValue() - max) * 0.5, range.getMax(), 1e-6);
        Int8Scheme.ActivationParams params = range.params();
        assertOnGrid(quantized, params);

        INDArray gradient = Nd4j.ones(8, 20);
        INDArray atInput = input.backprop(gradient, gradient.ulike(), 1, 0);
        double[] x = doubles(second);
        double[] g = doubles(atInput);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] >= params.min() && x[i] <= params.max() ? 1 : 0, g[i], "element " + i);
        }
    }

    @Test
    void mnistPixelsAreAlreadyOnTheGridOfTheRangeZeroToOne() {
        InputFakeQuant input = new InputFakeQuant(new MovingAverageRange());
        float[] pixels = new float[256];
        for (int k = 0; k < 256; k++) {
            pixels[k] = k / 255f;
        }
        INDArray x = Nd4j.createFromArray(pixels).reshape(1, 256);
        INDArray quantized = input.applyDropout(x, x.ulike(), 0, 0, LayerWorkspaceMgr.noWorkspaces());
        assertArrayEquals(pixels, quantized.dup('c').data().asFloat(), 1e-7f);
    }
}
