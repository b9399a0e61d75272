package org.condition4j.prune;

import org.condition4j.backend.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MagnitudeMaskTest {
    @BeforeAll
    static void startBackend() {
        Backend.start();
    }

    @Test
    void keepsTheRoundedComplementWithHalvesToEvenAndAtLeastOne() {
        assertEquals(8, MagnitudeMask.keptCount(10, 0.25)); // 7.5 rounds to 8
        assertEquals(6, MagnitudeMask.keptCount(10, 0.35)); // 6.5 rounds to 6
        assertEquals(2304, MagnitudeMask.keptCount(9216, 0.75));
        assertEquals(1, MagnitudeMask.keptCount(5, 0.99));
        assertEquals(5, MagnitudeMask.keptCount(5, 0.0));
    }

    @Test
    void zeroesTheSmallestMagnitudesWhateverTheirSign() {
        INDArray w = Nd4j.createFromArray(new float[] {0.3f, -0.1f, -0.5f, 0.2f, 0f, 0.4f});
        INDArray mask = MagnitudeMask.keepLargest(w, 0.5);
        assertArrayEquals(new float[] {1, 0, 1, 0, 0, 1}, mask.toFloatVector());
    }

    @Test
    void breaksTiesByPositionSoTheCountIsExact() {
        INDArray w = Nd4j.createFromArray(new float[] {1, -1, 1, 1, 2, -1});
        INDArray mask = MagnitudeMask.keepLargest(w, 0.5);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, mask.toFloatVector());
    }

    @Test
    void maskFollowsTheArraysLayoutInFortranOrder() {
        // DL4J keeps dense kernels in 'f' order; the mask must line up element by element
        INDArray w = Nd4j.create(new float[] {0.9f, -0.1f, 0.8f, 0.05f, -0.7f, 0.2f}, new long[] {2, 3}, 'f');
        INDArray masked = w.mul(MagnitudeMask.keepLargest(w, 0.5));
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                float v = w.getFloat(r, c);
                assertEquals(Math.abs(v) >= 0.7f ? v : 0f, masked.getFloat(r, c), 0f);
            }
        }
    }

    @Test
    void maskHasTheWeightsTypeAndShape() {
        INDArray w = Nd4j.rand(DataType.DOUBLE, 4, 3, 3, 3);
        INDArray mask = MagnitudeMask.keepLargest(w, 0.75);
        assertEquals(DataType.DOUBLE, mask.dataType());
        assertArrayEquals(w.shape(), mask.shape());
        assertEquals(27, mask.sumNumber().intValue()); // 108 * 0.25
    }
}
