package org.condition4j.qat;

import org.condition4j.quantize.Int8Scheme;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Element-wise fake quantization of activation arrays on an int8 grid, and the mask of the
 * straight-through estimator. Values are rounded with {@link Int8Scheme.ActivationParams} in
 * double precision, exactly as the exporter quantizes. The loops work in place on the arrays'
 * native buffers, a chunk at a time: activations are large (3.2 million values per convolution
 * output at batch 128), and whole copies to and from Java arrays doubled the cost.
 */
final class FakeQuant {
    /** Values moved between the native buffer and the Java heap at a time. */
    private static final int CHUNK = 1 << 14;

    private FakeQuant() {}

    /** Rounds every element of {@code x} to the grid and clips it to the range, in place. */
    static INDArray fakeQuantizeInPlace(INDArray x, Int8Scheme.ActivationParams params) {
        INDArray work = directFloat(x) ? x : x.castTo(DataType.FLOAT).dup('c');
        FloatBuffer values = work.data().asNioFloat();
        int n = (int) work.length();
        float[] chunk = new float[Math.min(n, CHUNK)];
        for (int start = 0; start < n; start += chunk.length) {
            int length = Math.min(chunk.length, n - start);
            values.get(start, chunk, 0, length);
            for (int i = 0; i < length; i++) {
                chunk[i] = (float) params.fakeQuantize(chunk[i]);
            }
            values.put(start, chunk, 0, length);
        }
        return work == x ? x : x.assign(work);
    }

    /**
     * The straight-through gradient of fake quantization: 1 where {@code x} lies inside the
     * quantization range (the rounding is treated as identity), 0 where it is clipped.
     */
    static INDArray insideMask(INDArray x, Int8Scheme.ActivationParams params) {
        INDArray mask = x.castTo(DataType.FLOAT).dup('c');
        FloatBuffer values = mask.data().asNioFloat();
        double lo = params.min();
        double hi = params.max();
        int n = (int) mask.length();
        float[] chunk = new float[Math.min(n, CHUNK)];
        for (int start = 0; start < n; start += chunk.length) {
            int length = Math.min(chunk.length, n - start);
            values.get(start, chunk, 0, length);
            for (int i = 0; i < length; i++) {
                chunk[i] = chunk[i] >= lo && chunk[i] <= hi ? 1f : 0f;
            }
            values.put(start, chunk, 0, length);
        }
        return mask.castTo(x.dataType());
    }

    /** Folds the minimum and maximum of {@code x} into {@code range}. */
    static void observe(MovingAverageRange range, INDArray x) {
        range.observe(x.minNumber().doubleValue(), x.maxNumber().doubleValue());
    }

    /**
     * Whether the elements of {@code x} are exactly its float buffer, so that they can be rewritten
     * in place through the buffer (activations of a layer are; views are not).
     */
    private static boolean directFloat(INDArray x) {
        return x.dataType() == DataType.FLOAT && !x.isView() && x.offset() == 0 && x.data().length() == x.length();
    }
}
