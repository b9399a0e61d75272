package org.condition4j.tflite;

import org.condition4j.layers.TfliteWeights;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the weight tensors of a written .tflite file hold, counted in the file itself: zeros
 * (what pruning leaves) and distinct values (what clustering leaves), per tensor and per output
 * channel (dimension 0 of CONV_2D and FULLY_CONNECTED weights, dimension 3 of DEPTHWISE_CONV_2D).
 */
public record WeightStatistics(List<Tensor> tensors) {

    /** One weight tensor: its values, zeros, distinct values, and the most distinct values in one output channel. */
    public record Tensor(String name, String type, int values, int zeros, int distinct, int maxDistinctPerChannel) {
        public double sparsity() {
            return values == 0 ? 0 : (double) zeros / values;
        }
    }

    public static WeightStatistics of(TfliteModel model) {
        List<Tensor> tensors = new ArrayList<>();
        List<TfliteModel.OperatorInfo> ops = model.operators();
        for (TfliteModel.OperatorInfo op : ops) {
            Optional<TfliteWeights> weighted = Arrays.stream(TfliteWeights.values())
                    .filter(w -> w.name().equals(op.op())).findFirst();
            if (weighted.isEmpty()) {
                continue;
            }
            String name = op.inputs().get(1);
            TfliteModel.TensorInfo info = model.tensor(name);
            double[] values = values(model, info);
            int channelDim = weighted.get().outputChannelAxis();
            tensors.add(new Tensor(name, info.type(), values.length, zeros(values), distinct(values, 0, values.length, 1),
                    maxDistinctPerChannel(values, info.shape(), channelDim)));
        }
        return new WeightStatistics(List.copyOf(tensors));
    }

    /** Zeros over all weights of all tensors. */
    public double overallSparsity() {
        long zeros = tensors.stream().mapToLong(Tensor::zeros).sum();
        long values = tensors.stream().mapToLong(Tensor::values).sum();
        return values == 0 ? 0 : (double) zeros / values;
    }

    /** The most distinct values any one weight tensor holds. */
    public int maxDistinct() {
        return tensors.stream().mapToInt(Tensor::distinct).max().orElse(0);
    }

    private static double[] values(TfliteModel model, TfliteModel.TensorInfo info) {
        if (info.type().equals("INT8")) {
            byte[] raw = model.int8Values(info.name());
            double[] v = new double[raw.length];
            for (int i = 0; i < raw.length; i++) {
                v[i] = raw[i];
            }
            return v;
        }
        float[] raw = model.floatValues(info.name());
        double[] v = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            v[i] = raw[i];
        }
        return v;
    }

    private static int zeros(double[] values) {
        int n = 0;
        for (double v : values) {
            if (v == 0) {
                n++;
            }
        }
        return n;
    }

    /** Distinct values among values[from], values[from + stride], ... below {@code to}. */
    private static int distinct(double[] values, int from, int to, int stride) {
        Set<Double> seen = new HashSet<>();
        for (int i = from; i < to; i += stride) {
            seen.add(values[i] == 0 ? 0.0 : values[i]); // -0.0 and 0.0 are one value
        }
        return seen.size();
    }

    private static int maxDistinctPerChannel(double[] values, int[] shape, int channelDim) {
        int channels = shape[channelDim];
        int inner = 1;
        for (int d = channelDim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int max = 0;
        if (channelDim == 0) {
            for (int c = 0; c < channels; c++) {
                max = Math.max(max, distinct(values, c * inner, (c + 1) * inner, 1));
            }
        } else { // channels are the last dimension: every channels-th value belongs to one channel
            for (int c = 0; c < channels; c++) {
                max = Math.max(max, distinct(values, c, values.length, channels));
            }
        }
        return max;
    }
}
