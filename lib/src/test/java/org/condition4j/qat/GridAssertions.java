package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that values lie on an int8 activation grid. */
final class GridAssertions {
    private GridAssertions() {}

    static void assertOnGrid(INDArray values, Int8Scheme.ActivationParams params) {
        double[] v = values.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (double x : v) {
            double q = x / params.scale() + params.zeroPoint();
            assertEquals(Math.rint(q), q, 1e-3, () -> x + " is not on the grid " + params);
            assertTrue(Math.rint(q) >= -128 && Math.rint(q) <= 127, () -> x + " is outside " + params);
        }
    }

    static double[] doubles(INDArray values) {
        return values.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
