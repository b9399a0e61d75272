package org.condition4j.tflite;

import org.condition4j.graph.FloatInference;
import org.condition4j.graph.FusedActivation;
import org.condition4j.graph.Op;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Reshape;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.quantize.Int8Scheme.ActivationParams;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.quantize.QuantizedWeights;
import org.condition4j.quantize.WeightQuantization;

/**
 * How far, at most, each dequantized int8 tensor may lie from the float network's, op by op: given
 * how far the op's int8 input actually lies from the float input, a bound derived from the int8
 * specification on how far its output may lie, not read off a trained network, so it holds for any
 * weights. Per value of op k's output, in real units:
 *
 * <pre>
 *   e_out = |w_q| * e_in                  the input's error, carried by the int8 weights
 *         + (s_w / 2) * |x|               each weight rounded to its nearest step
 *         + s_b / 2                       the bias rounded to its nearest step
 *         + s_out / 2                     the output rounded to its nearest step
 *         + |clamp(y, L, H) - f(y)|       the output range cuts y where the float activation f does not
 * </pre>
 *
 * where {@code *} sums over the op's window ({@link FloatInference#apply} with those weights),
 * {@code e_in = |x_int8 - x|} the input's actual error, {@code x} and {@code y} the float network's
 * input and pre-activation of the op, and {@code [L, H]} the real range of the int8 output after the
 * fused activation. Clamping is 1-Lipschitz, so the activation adds nothing else. Max pooling
 * moves by at most the largest input error in its window; average pooling by the mean, plus half a
 * step for its rounding; the quantized input by half a step plus how far a pixel lies outside the
 * input's range. A slack of a thousandth of a step covers the float network's own float32 rounding
 * (relative 1e-7 per operation). Taking each op's actual input error, rather than the bound of the
 * op before, keeps the bound tight enough to catch a wrong scale, zero point or bias in any layer.
 * The softmax is left to the caller: with logits off by at most {@code d}, probabilities move by at
 * most {@code d / 2} (the softmax's Jacobian has rows of absolute sum {@code 2 p (1 - p) <= 1/2}).
 */
public final class ErrorBound {
    private static final double SLACK_STEPS = 1e-3;

    private ErrorBound() {}

    /**
     * [k] the bound on the tensor before op k ([0] the input), for the float network's tensors
     * {@code exact} and the int8 tensors {@code int8} of one input, both laid out as
     * {@link IntegerReference#run} lays them out; null from the softmax on.
     */
    public static double[][] of(QuantizedGraph q, float[][] exact, int[][] int8) {
        var ops = q.graph().ops();
        double[][] bound = new double[ops.size() + 1][];
        bound[0] = inputBound(exact[0], q.params(0));
        for (int k = 0; k < ops.size(); k++) {
            Op op = ops.get(k);
            if (op instanceof Softmax) {
                break;
            }
            bound[k + 1] = next(q, k, op, exact[k], exact[k + 1], actualError(int8[k], exact[k], q.params(k)));
        }
        return bound;
    }

    /** How far the int8 tensor, dequantized, lies from the float one. */
    public static double[] actualError(int[] int8, float[] exact, ActivationParams p) {
        double s = (float) p.scale();
        double[] e = new double[int8.length];
        for (int v = 0; v < e.length; v++) {
            e[v] = Math.abs(s * (int8[v] - p.zeroPoint()) - exact[v]);
        }
        return e;
    }

    private static double[] inputBound(float[] x, ActivationParams p) {
        double s = (float) p.scale();
        double lo = s * (-128 - p.zeroPoint());
        double hi = s * (127 - p.zeroPoint());
        double[] e = new double[x.length];
        for (int v = 0; v < x.length; v++) {
            e[v] = s / 2 + Math.max(0, Math.max(x[v] - hi, lo - x[v])) + SLACK_STEPS * s;
        }
        return e;
    }

    private static double[] next(QuantizedGraph q, int k, Op op, float[] x, float[] out, double[] in) {
        double s = (float) q.params(k + 1).scale();
        if (op instanceof Reshape) {
            double[] e = in.clone();
            for (int v = 0; v < e.length; v++) {
                e[v] += SLACK_STEPS * s;
            }
            return e;
        }
        if (op instanceof Pool2D p) {
            // max: the largest error under the window; average: the mean error, then the average is rounded
            double[] e = toDouble(FloatInference.apply(p, toFloat(in)));
            double rounding = p.kind() == Pool2D.Kind.AVERAGE ? s / 2 : 0;
            for (int v = 0; v < e.length; v++) {
                e[v] += rounding + SLACK_STEPS * s;
            }
            return e;
        }
        if (!(op instanceof WeightedOp w)) {
            throw new IllegalStateException("No error bound for " + op);
        }
        QuantizedWeights qw = q.weights(k);
        int[] channelOf = WeightQuantization.channelOf(qw.shape(), qw.channelAxis());
        float[] absInt8Weights = new float[qw.values().length];
        float[] halfWeightStep = new float[qw.values().length];
        for (int i = 0; i < absInt8Weights.length; i++) {
            double ws = (float) qw.scale(channelOf[i]);
            absInt8Weights[i] = (float) (Math.abs(qw.values()[i]) * ws);
            halfWeightStep[i] = (float) (ws / 2);
        }
        int channels = qw.channels();
        float[] zeros = new float[channels];
        float[] absX = new float[x.length];
        for (int v = 0; v < x.length; v++) {
            absX[v] = Math.abs(x[v]);
        }
        float[] carried = FloatInference.apply(w.with(absInt8Weights, zeros, FusedActivation.NONE, w.name(), w.layer()), toFloat(in));
        float[] weightRounding = FloatInference.apply(w.with(halfWeightStep, zeros, FusedActivation.NONE, w.name(), w.layer()), absX);
        float[] preActivation = FloatInference.apply(w.with(w.weights(), w.bias(), FusedActivation.NONE, w.name(), w.layer()), x);
        ActivationParams p = q.params(k + 1);
        int zp = p.zeroPoint();
        int loInt = w.activation() == FusedActivation.NONE ? -128 : Math.max(-128, zp);
        int hiInt = 127;
        if (w.activation() == FusedActivation.RELU6) {
            hiInt = Math.min(127, zp + roundHalfAway(6f / (float) s));
        }
        double lo = s * (loInt - zp);
        double hi = s * (hiInt - zp);
        double[] e = new double[out.length];
        for (int v = 0; v < out.length; v++) {
            int c = v % channels; // NHWC or [batch, units]: the channel is the last index
            double biasRounding = (float) qw.biasScales()[qw.biasScales().length == 1 ? 0 : c] / 2;
            double clamped = Math.max(lo, Math.min(hi, preActivation[v]));
            e[v] = carried[v] + weightRounding[v] + biasRounding + s / 2 + Math.abs(clamped - out[v]) + SLACK_STEPS * s;
        }
        return e;
    }

    /** Rounds halves away from zero, as TFLite places ReLU6's upper end. */
    private static int roundHalfAway(float v) {
        return (int) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5));
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
