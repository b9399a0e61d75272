package org.condition4j.quantize;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The int8 arithmetic on hand-computed values (the TFLite rules: round half away from zero,
 * clamp to the int8 range, zero exactly representable).
 */
class Int8SchemeTest {
    @Test
    void activationsQuantizeRoundingHalvesAwayFromZeroAndClamp() {
        Int8Scheme.ActivationParams p = Int8Scheme.activation(-1.0, 1.55); // scale 0.01, zero point round(-28) = -28
        assertEquals(0.01, p.scale(), 1e-15);
        assertEquals(-28, p.zeroPoint());
        assertEquals(-28, p.quantize(0));
        assertEquals(-27, p.quantize(0.005));   // 0.5 step up: away from zero
        assertEquals(-29, p.quantize(-0.005));  // 0.5 step down: away from zero
        assertEquals(-28, p.quantize(0.0049));
        assertEquals(127, p.quantize(100));
        assertEquals(-128, p.quantize(-100));
        assertEquals(0.02, p.dequantize(-26), 1e-12);
        assertEquals(0.3, p.fakeQuantize(0.3012), 1e-12);
        assertEquals(-1.0, p.min(), 1e-12);
        assertEquals(1.55, p.max(), 1e-12);
    }

    @Test
    void rangesAreWidenedToHoldZero() {
        Int8Scheme.ActivationParams positive = Int8Scheme.activation(0.5, 2.55);
        assertEquals(0.01, positive.scale(), 1e-15);
        assertEquals(-128, positive.zeroPoint());
        Int8Scheme.ActivationParams negative = Int8Scheme.activation(-2.55, -0.5);
        assertEquals(127, negative.zeroPoint());
        Int8Scheme.ActivationParams empty = Int8Scheme.activation(0, 0);
        assertEquals(0, empty.zeroPoint());
        assertEquals(1.0 / 127, empty.scale(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Int8Scheme.activation(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Int8Scheme.activation(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new ActivationRange(0, Double.POSITIVE_INFINITY));
    }

    @Test
    void weightsAndBiases() {
        assertEquals(0.5 / 127, Int8Scheme.weightScale(0.5), 1e-18);
        assertEquals(1.0 / 127, Int8Scheme.weightScale(0), 1e-18);
        assertEquals(127, Int8Scheme.quantizeWeight(0.5, 0.5 / 127));
        assertEquals(-127, Int8Scheme.quantizeWeight(-0.6, 0.5 / 127));
        assertEquals(3, Int8Scheme.quantizeWeight(2.5, 1));
        assertEquals(-3, Int8Scheme.quantizeWeight(-2.5, 1));
        assertEquals(2, Int8Scheme.quantizeWeight(2.49, 1));
        assertEquals(0.06, Int8Scheme.biasScale(0.2, 0.3), 1e-15);
        assertEquals(1000, Int8Scheme.quantizeBias(0.06, 0.00006));
        assertEquals(Integer.MAX_VALUE, Int8Scheme.quantizeBias(1e12, 1));
        assertEquals(Integer.MIN_VALUE, Int8Scheme.quantizeBias(-1e12, 1));
        assertEquals(1, Int8Scheme.weightScaleCount(true, 32));
        assertEquals(32, Int8Scheme.weightScaleCount(false, 32));
        assertEquals(-128, Int8Scheme.SOFTMAX_OUTPUT.zeroPoint());
        assertEquals(1.0 / 256, Int8Scheme.SOFTMAX_OUTPUT.scale());
    }
}
