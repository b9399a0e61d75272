package org.condition4j.channels;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An array seen as [outer, size, inner] around one axis (row-major), for the three things channel
 * pruning does along a channel axis: sum over everything else, mask coordinates, keep coordinates.
 * Plain Java on row-major copies, whatever order DL4J keeps a parameter in.
 */
final class AlongAxis {
    final long[] shape;
    final int axis;
    final int outer;
    final int size;
    final int inner;

    AlongAxis(long[] shape, int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " outside an array of rank " + shape.length);
        }
        this.shape = shape.clone();
        this.axis = axis;
        long o = 1;
        long in = 1;
        for (int d = 0; d < shape.length; d++) {
            if (d < axis) {
                o *= shape[d];
            } else if (d > axis) {
                in *= shape[d];
            }
        }
        this.outer = Math.toIntExact(o);
        this.size = Math.toIntExact(shape[axis]);
        this.inner = Math.toIntExact(in);
    }

    static AlongAxis of(INDArray array, int axis) {
        return new AlongAxis(array.shape(), axis);
    }

    static float[] values(INDArray array) {
        return array.dup('c').data().asFloat();
    }

    /** For each coordinate along the axis, the sum of {@code values} over all other axes. */
    double[] sums(float[] values) {
        double[] sums = new double[size];
        for (int o = 0; o < outer; o++) {
            for (int a = 0; a < size; a++) {
                int base = (o * size + a) * inner;
                double s = 0;
                for (int i = 0; i < inner; i++) {
                    s += values[base + i];
                }
                sums[a] += s;
            }
        }
        return sums;
    }

    /** 1 everywhere except at the coordinates along the axis where {@code removed} is true. */
    float[] mask(boolean[] removed) {
        float[] mask = new float[outer * size * inner];
        for (int o = 0; o < outer; o++) {
            for (int a = 0; a < size; a++) {
                if (!removed[a]) {
                    java.util.Arrays.fill(mask, (o * size + a) * inner, (o * size + a + 1) * inner, 1f);
                }
            }
        }
        return mask;
    }

    /** The array with only the coordinates {@code kept} (ascending) along the axis. */
    INDArray keep(float[] values, int[] kept) {
        float[] out = new float[outer * kept.length * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < kept.length; k++) {
                System.arraycopy(values, (o * size + kept[k]) * inner, out, (o * kept.length + k) * inner, inner);
            }
        }
        long[] shrunk = shape.clone();
        shrunk[axis] = kept.length;
        return Nd4j.create(out, shrunk, 'c');
    }
}
