package org.condition4j.oracle;

import org.condition4j.oracle.Int8Oracle.Params;
import org.condition4j.oracle.Int8Oracle.Weighted;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares an int8 .tflite file, read with the flatbuffer schema classes directly, with what
 * {@link Int8Oracle} prescribes, tensor by tensor.
 *
 * <p>Tolerances, and why: scales are stored as float32 and the oracle's ranges come from DL4J's
 * (oneDNN) forward pass rather than the exporter's own float run, so activation and weight scales
 * must agree to {@value #SCALE_TOLERANCE} relative (measured: at most 7.8e-7 on the test
 * networks). Zero points and int8 weights are compared as integers: a weight off by one is allowed
 * only where the oracle's unrounded value lies within {@value #TIE} of a rounding boundary (a tie
 * the two float computations may break differently; measured: none). An int32 bias must lie within
 * half a step of {@code b / (s_in s_w)} plus what the scale tolerance moves it (measured: 0.494).
 */
final class Int8FileCheck {
    static final double SCALE_TOLERANCE = 2e-6;
    static final double TIE = 1e-3;

    final List<String> mismatches = new ArrayList<>();
    int weightsCompared;
    int biasesCompared;
    int tensorsCompared;
    int tiesAccepted;
    double largestScaleDifference;
    double largestBiasDifference;

    private final SubGraph graph;
    private final Model model;

    private Int8FileCheck(byte[] file) {
        model = Model.getRootAsModel(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
        graph = model.subgraphs(0);
    }

    /**
     * Checks {@code file} against {@code oracle}; {@code perTensorWeights} when the file was asked
     * for one weight scale per tensor. Dense layers always get one scale: the TFLite 2.6
     * FULLY_CONNECTED int8 kernel reads only the first.
     */
    static Int8FileCheck of(Int8Oracle oracle, byte[] file, boolean perTensorWeights) {
        Int8FileCheck check = new Int8FileCheck(file);
        check.run(oracle, perTensorWeights);
        return check;
    }

    private void run(Int8Oracle oracle, boolean perTensorWeights) {
        if (graph.operatorsLength() != oracle.ops.size()) {
            mismatches.add("the file has " + graph.operatorsLength() + " operators, the spec " + oracle.ops.size()
                    + ": " + oracle.ops.stream().map(Int8Oracle.Expected::op).toList());
            return;
        }
        Params current = oracle.inputParams();
        Tensor input = graph.tensors(graph.inputs(0));
        checkParams("input " + input.name(), input, current);
        for (int k = 0; k < oracle.ops.size(); k++) {
            Int8Oracle.Expected expected = oracle.ops.get(k);
            Operator op = graph.operators(k);
            String code = BuiltinOperator.name(model.operatorCodes((int) op.opcodeIndex()).builtinCode());
            String where = "op " + k + " " + code;
            if (!code.equals(expected.op())) {
                mismatches.add(where + ": the spec has " + expected.op() + " here");
                return;
            }
            Tensor in = graph.tensors(op.inputs(0));
            Tensor out = graph.tensors(op.outputs(0));
            checkParams(where + " input " + in.name(), in, current);
            Params next = expected instanceof Weighted w ? Params.ofRange(w.min(), w.max())
                    : expected instanceof Int8Oracle.Softmax ? new Params(1.0 / 256, -128) : current;
            checkParams(where + " output " + out.name(), out, next);
            if (expected instanceof Weighted w) {
                boolean single = perTensorWeights || w.op().equals("FULLY_CONNECTED");
                checkWeighted(where, w, current, next, op, single);
            }
            current = next;
        }
    }

    private void checkParams(String where, Tensor t, Params expected) {
        tensorsCompared++;
        if (t.type() != TensorType.INT8) {
            mismatches.add(where + ": type " + TensorType.name(t.type()) + ", not INT8");
            return;
        }
        QuantizationParameters q = t.quantization();
        if (q == null || q.scaleLength() != 1 || q.zeroPointLength() != 1) {
            mismatches.add(where + ": not quantized with one scale and zero point");
            return;
        }
        if (!close(q.scale(0), expected.scale())) {
            mismatches.add(String.format(Locale.ROOT, "%s: scale %.9g, spec %.9g", where, q.scale(0), expected.scale()));
        }
        if (q.zeroPoint(0) != expected.zeroPoint()) {
            mismatches.add(where + ": zero point " + q.zeroPoint(0) + ", spec " + expected.zeroPoint());
        }
    }

    private void checkWeighted(String where, Weighted w, Params in, Params out, Operator op, boolean single) {
        Tensor inTensor = graph.tensors(op.inputs(0));
        Tensor weights = graph.tensors(op.inputs(1));
        Tensor bias = graph.tensors(op.inputs(2));
        Tensor outTensor = graph.tensors(op.outputs(0));
        int channels = w.channels();
        double[] maxAbs = new double[single ? 1 : channels];
        for (int k = 0; k < w.weights().length; k++) {
            int g = single ? 0 : w.channelOf(k);
            maxAbs[g] = Math.max(maxAbs[g], Math.abs(w.weights()[k]));
        }
        double[] scales = new double[maxAbs.length];
        for (int g = 0; g < scales.length; g++) {
            scales[g] = maxAbs[g] > 0 ? maxAbs[g] / 127 : 1.0 / 127; // an all-zero channel: any scale works
        }
        // weights: int8, per channel along the spec's axis, zero point 0
        if (weights.type() != TensorType.INT8) {
            mismatches.add(where + " weights: type " + TensorType.name(weights.type()));
            return;
        }
        int[] shape = new int[weights.shapeLength()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = weights.shape(d);
        }
        if (!java.util.Arrays.equals(shape, w.shape())) {
            mismatches.add(where + " weights: shape " + java.util.Arrays.toString(shape) + ", spec "
                    + java.util.Arrays.toString(w.shape()));
            return;
        }
        QuantizationParameters wq = weights.quantization();
        if (wq.scaleLength() != scales.length) {
            mismatches.add(where + " weights: " + wq.scaleLength() + " scales, spec " + scales.length);
            return;
        }
        if (!single && wq.quantizedDimension() != w.channelAxis()) {
            mismatches.add(where + " weights: quantized dimension " + wq.quantizedDimension() + ", spec "
                    + w.channelAxis());
        }
        for (int g = 0; g < scales.length; g++) {
            if (!close(wq.scale(g), scales[g])) {
                mismatches.add(String.format(Locale.ROOT, "%s weights: scale[%d] %.9g, spec %.9g", where, g,
                        wq.scale(g), scales[g]));
                return;
            }
            if (wq.zeroPoint(g) != 0) {
                mismatches.add(where + " weights: zero point " + wq.zeroPoint(g));
            }
        }
        byte[] stored = data(weights);
        if (stored.length != w.weights().length) {
            mismatches.add(where + " weights: " + stored.length + " stored values, spec " + w.weights().length);
            return;
        }
        int wrong = 0;
        String first = null;
        for (int k = 0; k < stored.length; k++) {
            double exact = w.weights()[k] / scales[single ? 0 : w.channelOf(k)];
            long spec = Math.max(-127, Math.min(127, roundHalfAway(exact)));
            weightsCompared++;
            if (!agree(stored[k], spec, exact)) {
                wrong++;
                if (first == null) {
                    first = String.format(Locale.ROOT, "[%d] %d, spec %d (w/s = %.4f)", k, stored[k], spec, exact);
                }
            }
        }
        if (wrong > 0) {
            mismatches.add(where + " weights: " + wrong + " of " + stored.length + " int8 values differ, first " + first);
        }
        // bias: int32, scale s_in * s_w per channel, zero point 0
        QuantizationParameters bq = bias.quantization();
        if (bias.type() != TensorType.INT32 || bq.scaleLength() != scales.length) {
            mismatches.add(where + " bias: type " + TensorType.name(bias.type()) + " with " + bq.scaleLength()
                    + " scales, spec INT32 with " + scales.length);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data(bias)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() != 4 * channels) {
            mismatches.add(where + " bias: " + b.remaining() + " bytes stored, spec " + 4 * channels);
            return;
        }
        wrong = 0;
        first = null;
        for (int c = 0; c < channels; c++) {
            double scale = in.scale() * scales[single ? 0 : c];
            if (c < bq.scaleLength() && !close(bq.scale(c), scale)) {
                mismatches.add(String.format(Locale.ROOT, "%s bias: scale[%d] %.9g, spec s_in*s_w %.9g", where, c,
                        bq.scale(c), scale));
                return;
            }
            double exact = w.bias()[c] / scale;
            int stored32 = b.getInt(4 * c);
            biasesCompared++;
            largestBiasDifference = Math.max(largestBiasDifference, Math.abs(stored32 - exact));
            // rounded to nearest: within half a step, plus what the scales' relative difference moves it
            if (Math.abs(stored32 - exact) > 0.5 + SCALE_TOLERANCE * Math.abs(exact)) {
                wrong++;
                if (first == null) {
                    first = String.format(Locale.ROOT, "[%d] %d, spec %.1f", c, stored32, exact);
                }
            }
            // the requantization multiplier M = s_in * s_w / s_out, as the kernels derive it from the
            // stored scales, split like TFLite's QuantizeMultiplier into a Q31 mantissa and a shift
            double spec = scale / out.scale();
            double fileMultiplier = (double) inTensor.quantization().scale(0) * wq.scale(single ? 0 : c)
                    / outTensor.quantization().scale(0);
            if (Math.getExponent(spec) != Math.getExponent(fileMultiplier) || !close(fileMultiplier, spec)) {
                mismatches.add(String.format(Locale.ROOT, "%s: requantization multiplier of channel %d %.9g "
                        + "(shift %d), spec %.9g (shift %d)", where, c, fileMultiplier, Math.getExponent(fileMultiplier) + 1, spec,
                        Math.getExponent(spec) + 1));
            }
        }
        if (wrong > 0) {
            mismatches.add(where + " bias: " + wrong + " of " + channels + " int32 values differ, first " + first);
        }
    }

    /** Equal, or one apart where the unrounded value is within {@link #TIE} of a rounding boundary. */
    private boolean agree(long stored, long spec, double exact) {
        if (stored == spec) {
            return true;
        }
        double frac = Math.abs(exact) - Math.floor(Math.abs(exact));
        if (Math.abs(stored - spec) == 1 && Math.abs(frac - 0.5) < TIE) {
            tiesAccepted++;
            return true;
        }
        return false;
    }

    private static long roundHalfAway(double x) {
        return (long) Math.copySign(Math.floor(Math.abs(x) + 0.5), x);
    }

    private boolean close(double a, double b) {
        largestScaleDifference = Math.max(largestScaleDifference, Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
        return Math.abs(a - b) <= SCALE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
    }

    private byte[] data(Tensor t) {
        Buffer buffer = model.buffers((int) t.buffer());
        byte[] bytes = new byte[buffer.dataLength()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) buffer.data(i);
        }
        return bytes;
    }

    String summary() {
        return String.format(Locale.ROOT, "%d tensors' scales and zero points, %d int8 weights, %d int32 biases "
                + "compared with the spec; %d weights one step off at an exact tie; largest relative scale difference %.2g, "
                + "largest |int32 bias - b / (s_in s_w)| %.3f", tensorsCompared, weightsCompared, biasesCompared,
                tiesAccepted, largestScaleDifference, largestBiasDifference);
    }
}
