package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element-wise fake quantization of activation arrays on an int8 grid, and the mask of the
 * straight-through estimator. Values are rounded with {@link Int8Scheme.ActivationParams} in
 * double precision, exactly as the exporter quantizes.
 */
final class FakeQuant {
    private FakeQuant() {}

    /** Rounds every element of {@code x} to the grid and clips it to the range, in place. */
    static INDArray fakeQuantizeInPlace(INDArray x, Int8Scheme.ActivationParams params) {
        float[] values = values(x);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) params.fakeQuantize(values[i]);
        }
        return x.assign(array(values, x));
    }

    /**
     * The straight-through gradient of fake quantization: 1 where {@code x} lies inside the
     * quantization range (the rounding is treated as identity), 0 where it is clipped.
     */
    static INDArray insideMask(INDArray x, Int8Scheme.ActivationParams params) {
        float[] values = values(x);
        double lo = params.min();
        double hi = params.max();
        for (int i = 0; i < values.length; i++) {
            values[i] = values[i] >= lo && values[i] <= hi ? 1f : 0f;
        }
        return array(values, x);
    }

    /** Folds the minimum and maximum of {@code x} into {@code range}. */
    static void observe(MovingAverageRange range, INDArray x) {
        range.observe(x.minNumber().doubleValue(), x.maxNumber().doubleValue());
    }

    private static float[] values(INDArray x) {
        return x.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static INDArray array(float[] values, INDArray like) {
        return Nd4j.create(values, like.shape(), 'c').castTo(like.dataType());
    }
}
