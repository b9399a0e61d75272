package org.condition4j.tflite;

import org.condition4j.graph.Conv2D;
import org.condition4j.graph.DepthwiseConv2D;
import org.condition4j.graph.FullyConnected;
import org.condition4j.graph.FusedActivation;
import org.condition4j.graph.Op;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Reshape;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.Window;
import org.condition4j.quantize.Int8Scheme.ActivationParams;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.quantize.QuantizedWeights;

import java.util.List;

/**
 * An independent integer implementation of what TFLite's int8 kernels compute, written from the
 * TFLite int8 specification and the measured rounding in FACTS.md, for bit-exact comparison with
 * the interpreter. Scales are used as the file stores them (float32).
 *
 * <ul>
 *   <li>QUANTIZE: {@code round_half_away(x / (double) s) + zp}, clamped.</li>
 *   <li>CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: {@code acc = bias + sum((x - zp_in) * w)},
 *       then {@code qm, shift} = QuantizeMultiplier({@code s_in * s_w / s_out}) and the rescaled
 *       accumulator rounded as the {@link Kernels} that run the file do it: once
 *       ({@code (acc * qm + 2^(t-1)) >> t}, {@code t = 31 - shift}, as FACTS.md measured), twice
 *       (gemmlowp's MultiplyByQuantizedMultiplier: rounding doubling high multiply, then rounding
 *       right shift), or in float32 (XNNPACK);
 *       plus {@code zp_out}, clamped to the fused activation's range ({@code [max(-128, zp), 127]}
 *       for ReLU, upper end {@code zp + round(6 / s)} for ReLU6).</li>
 *   <li>MAX_POOL_2D: maximum over the in-bounds window. AVERAGE_POOL_2D: sum over the in-bounds
 *       window divided by its size, rounding halves away from zero.</li>
 *   <li>RESHAPE: unchanged. SOFTMAX is not reproduced (its int8 kernel uses lookup tables).</li>
 * </ul>
 */
public final class IntegerReference {
    /**
     * The interpreters whose int8 arithmetic this reference reproduces. The specification fixes
     * every scale but not how the rescaled accumulator is rounded, and there they differ.
     */
    public enum Kernels {
        /** The TFLite 2.6 interpreter: CONV_2D and FULLY_CONNECTED round once, DEPTHWISE_CONV_2D twice. */
        TFLITE_2_6(Rounding.SINGLE, Rounding.DOUBLE, Rounding.SINGLE),
        /** Current LiteRT's reference kernels ({@code BUILTIN_REF}): both convolutions round twice, FULLY_CONNECTED once. */
        LITERT_REFERENCE(Rounding.DOUBLE, Rounding.DOUBLE, Rounding.SINGLE),
        /** XNNPACK, LiteRT's default delegate: every weighted op requantizes in float32. */
        XNNPACK(Rounding.FLOAT32, Rounding.FLOAT32, Rounding.FLOAT32);

        final Rounding conv;
        final Rounding depthwise;
        final Rounding dense;

        Kernels(Rounding conv, Rounding depthwise, Rounding dense) {
            this.conv = conv;
            this.depthwise = depthwise;
            this.dense = dense;
        }
    }

    /** How a rescaled accumulator becomes an integer. */
    enum Rounding {
        /** {@code (acc * qm + 2^(t-1)) >> t} with the Q31 multiplier: one rounding. */
        SINGLE,
        /** gemmlowp's MultiplyByQuantizedMultiplier: rounding doubling high multiply, then rounding shift. */
        DOUBLE,
        /** {@code rint((float) acc * scale)}, the scale {@code s_in * s_w / s_out} computed in float32. */
        FLOAT32
    }

    private final QuantizedGraph q;
    private final Kernels kernels;
    /** Per op, the int8 weights and int32 bias to use instead of the graph's, or null. */
    private final byte[][] weights;
    private final int[][] biases;

    /** The arithmetic of the TFLite 2.6 interpreter. */
    public IntegerReference(QuantizedGraph q) {
        this(q, Kernels.TFLITE_2_6);
    }

    /** The arithmetic of {@code kernels}. */
    public IntegerReference(QuantizedGraph q, Kernels kernels) {
        this(q, kernels, new byte[q.graph().ops().size()][], new int[q.graph().ops().size()][]);
    }

    private IntegerReference(QuantizedGraph q, Kernels kernels, byte[][] weights, int[][] biases) {
        this.q = q;
        this.kernels = kernels;
        this.weights = weights;
        this.biases = biases;
    }

    /** Op {@code k} alone on its int8 input tensor (null for softmax, which is not reproduced). */
    public int[] runOp(int k, int[] input) {
        return op(k, q.graph().ops().get(k), input);
    }

    /**
     * What a file with one int8 weight changed computes: value {@code index} of op {@code op}'s
     * weights (in the file's layout) moved by {@code delta} steps.
     */
    public IntegerReference withWeightChanged(int op, int index, int delta) {
        byte[][] changed = weights.clone();
        changed[op] = weights(op).clone();
        int value = changed[op][index] + delta;
        if (value < -127 || value > 127) {
            throw new IllegalArgumentException("An int8 weight stays in [-127, 127]; " + changed[op][index] + " + "
                    + delta + " is outside");
        }
        changed[op][index] = (byte) value;
        return new IntegerReference(q, kernels, changed, biases);
    }

    /**
     * What a file with one int32 bias changed computes: op {@code op}'s bias of output channel
     * {@code channel} moved by {@code delta}.
     */
    public IntegerReference withBiasChanged(int op, int channel, int delta) {
        int[][] changed = biases.clone();
        changed[op] = bias(op).clone();
        changed[op][channel] += delta;
        return new IntegerReference(q, kernels, weights, changed);
    }

    private byte[] weights(int op) {
        return weights[op] != null ? weights[op] : q.weights(op).values();
    }

    private int[] bias(int op) {
        return biases[op] != null ? biases[op] : q.weights(op).bias();
    }

    /** Every int8 tensor for one NHWC float input: [0] the quantized input, [k + 1] op k (null for softmax). */
    public int[][] run(float[] input) {
        return runQuantized(quantize(input, q.params(0)));
    }

    /** Every int8 tensor for one int8 input tensor: [0] the input, [k + 1] op k (null for softmax). */
    public int[][] runQuantized(int[] input) {
        List<Op> ops = q.graph().ops();
        int[][] tensors = new int[ops.size() + 1][];
        tensors[0] = input;
        for (int k = 0; k < ops.size(); k++) {
            tensors[k + 1] = op(k, ops.get(k), tensors[k]);
        }
        return tensors;
    }

    /** The QUANTIZE of a float input: halves rounded away from zero, clamped. */
    public static int[] quantize(float[] x, ActivationParams p) {
        double scale = (float) p.scale();
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i] / scale;
            long r = (long) Math.floor(Math.abs(v) + 0.5) * (v < 0 ? -1 : 1);
            out[i] = clamp(r + p.zeroPoint(), -128, 127);
        }
        return out;
    }

    private int[] op(int k, Op op, int[] in) {
        if (op == null || in == null) {
            return null;
        }
        if (op instanceof Conv2D c) {
            return conv(k, c, in);
        } else if (op instanceof DepthwiseConv2D d) {
            return depthwise(k, d, in);
        } else if (op instanceof FullyConnected f) {
            return dense(k, f, in);
        } else if (op instanceof Pool2D p) {
            return pool(p, in);
        } else if (op instanceof Reshape) {
            return in;
        } else if (op instanceof Softmax) {
            return null;
        }
        throw new IllegalStateException(op.toString());
    }

    private int[] conv(int k, Conv2D c, int[] in) {
        QuantizedWeights w = q.weights(k);
        Window win = c.window();
        int[] is = c.inputShape();
        int[] os = c.outputShape();
        int inH = is[1], inW = is[2], inC = is[3], outH = os[1], outW = os[2], outC = os[3];
        int kh = win.kernelH(), kw = win.kernelW();
        int top = win.padTop(inH), left = win.padLeft(inW);
        int zpIn = q.params(k).zeroPoint();
        Requantizer r = new Requantizer(q.params(k), w, q.params(k + 1), c.activation(), kernels.conv);
        int[] out = new int[outH * outW * outC];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int oc = 0; oc < outC; oc++) {
                    long acc = bias(k)[oc];
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * win.strideH() - top + ky;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * win.strideW() - left + kx;
                            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                                continue;
                            }
                            for (int ic = 0; ic < inC; ic++) {
                                acc += (long) (in[(iy * inW + ix) * inC + ic] - zpIn)
                                        * weights(k)[((oc * kh + ky) * kw + kx) * inC + ic];
                            }
                        }
                    }
                    out[(oy * outW + ox) * outC + oc] = r.apply(acc, oc);
                }
            }
        }
        return out;
    }

    private int[] depthwise(int k, DepthwiseConv2D d, int[] in) {
        QuantizedWeights w = q.weights(k);
        Window win = d.window();
        int[] is = d.inputShape();
        int[] os = d.outputShape();
        int inH = is[1], inW = is[2], inC = is[3], outH = os[1], outW = os[2], outC = os[3];
        int m = d.depthMultiplier();
        int kh = win.kernelH(), kw = win.kernelW();
        int top = win.padTop(inH), left = win.padLeft(inW);
        int zpIn = q.params(k).zeroPoint();
        Requantizer r = new Requantizer(q.params(k), w, q.params(k + 1), d.activation(), kernels.depthwise);
        int[] out = new int[outH * outW * outC];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int oc = 0; oc < outC; oc++) {
                    int ic = oc / m;
                    long acc = bias(k)[oc];
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * win.strideH() - top + ky;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * win.strideW() - left + kx;
                            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                                continue;
                            }
                            acc += (long) (in[(iy * inW + ix) * inC + ic] - zpIn)
                                    * weights(k)[(ky * kw + kx) * outC + oc];
                        }
                    }
                    out[(oy * outW + ox) * outC + oc] = r.apply(acc, oc);
                }
            }
        }
        return out;
    }

    private int[] dense(int k, FullyConnected f, int[] in) {
        QuantizedWeights w = q.weights(k);
        int n = in.length;
        int outC = f.outputShape()[1];
        int zpIn = q.params(k).zeroPoint();
        Requantizer r = new Requantizer(q.params(k), w, q.params(k + 1), f.activation(), kernels.dense);
        int[] out = new int[outC];
        for (int o = 0; o < outC; o++) {
            long acc = bias(k)[o];
            for (int j = 0; j < n; j++) {
                acc += (long) (in[j] - zpIn) * weights(k)[o * n + j];
            }
            out[o] = r.apply(acc, o);
        }
        return out;
    }

    private static int[] pool(Pool2D p, int[] in) {
        Window win = p.window();
        int[] is = p.inputShape();
        int[] os = p.outputShape();
        int inH = is[1], inW = is[2], c = is[3], outH = os[1], outW = os[2];
        int top = win.padTop(inH), left = win.padLeft(inW);
        int[] out = new int[outH * outW * c];
        for (int oy = 0; oy < outH; oy++) {
            int y0 = Math.max(0, oy * win.strideH() - top);
            int y1 = Math.min(inH, oy * win.strideH() - top + win.kernelH());
            for (int ox = 0; ox < outW; ox++) {
                int x0 = Math.max(0, ox * win.strideW() - left);
                int x1 = Math.min(inW, ox * win.strideW() - left + win.kernelW());
                int count = (y1 - y0) * (x1 - x0);
                for (int ch = 0; ch < c; ch++) {
                    int max = Integer.MIN_VALUE;
                    int sum = 0;
                    for (int y = y0; y < y1; y++) {
                        for (int x = x0; x < x1; x++) {
                            int v = in[(y * inW + x) * c + ch];
                            max = Math.max(max, v);
                            sum += v;
                        }
                    }
                    // C's integer division truncates, as Java's does
                    int average = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                    out[(oy * outW + ox) * c + ch] = p.kind() == Pool2D.Kind.MAX ? max : clamp(average, -128, 127);
                }
            }
        }
        return out;
    }

    /** Requantizes an int32 accumulator of one output channel to the output's int8. */
    private static final class Requantizer {
        private final long[] multipliers;
        private final int[] shifts;
        private final int zeroPoint;
        private final int min;
        private final int max;
        private final Rounding rounding;
        private final float[] floatScales;

        Requantizer(ActivationParams in, QuantizedWeights w, ActivationParams out, FusedActivation activation,
                    Rounding rounding) {
            this.rounding = rounding;
            int channels = w.channels();
            multipliers = new long[channels];
            shifts = new int[channels];
            floatScales = new float[channels];
            double inScale = (float) in.scale();
            double outScale = (float) out.scale();
            for (int c = 0; c < channels; c++) {
                double m = inScale * (double) (float) w.scale(c) / outScale;
                quantizeMultiplier(m, c);
                floatScales[c] = (float) in.scale() * (float) w.scale(c) / (float) out.scale();
            }
            zeroPoint = out.zeroPoint();
            float s = (float) out.scale();
            switch (activation) {
                case NONE -> { min = -128; max = 127; }
                case RELU -> { min = Math.max(-128, zeroPoint); max = 127; }
                case RELU6 -> {
                    min = Math.max(-128, zeroPoint);
                    float six = 6f / s;
                    max = Math.min(127, zeroPoint + (int) (Math.signum(six) * Math.floor(Math.abs(six) + 0.5)));
                }
                default -> throw new IllegalStateException();
            }
        }

        /** {@code m = q * 2^shift} with {@code q} in [0.5, 1) as a Q31 integer, like TFLite's QuantizeMultiplier. */
        private void quantizeMultiplier(double m, int c) {
            if (m == 0) {
                return;
            }
            int shift = Math.getExponent(m) + 1;
            double fraction = Math.scalb(m, -shift);
            long q = Math.round(fraction * (1L << 31));
            if (q == 1L << 31) {
                q /= 2;
                shift++;
            }
            multipliers[c] = q;
            shifts[c] = shift;
        }

        int apply(long acc, int channel) {
            long scaled;
            switch (rounding) {
                case DOUBLE -> scaled = gemmlowpMultiply((int) acc, (int) multipliers[channel], shifts[channel]);
                case FLOAT32 -> {
                    // clamping before or after rounding to nearest even gives the same integer
                    float f = (float) acc * floatScales[channel];
                    scaled = (long) Math.rint(f);
                }
                default -> {
                    int t = 31 - shifts[channel];
                    scaled = (acc * multipliers[channel] + (1L << (t - 1))) >> t;
                }
            }
            return clamp(scaled + zeroPoint, min, max);
        }

        /**
         * gemmlowp's MultiplyByQuantizedMultiplier: a rounding doubling high multiply (ties away
         * from zero), then a rounding right shift (ties away from zero).
         */
        private static int gemmlowpMultiply(int x, int multiplier, int shift) {
            int left = Math.max(shift, 0);
            int right = Math.max(-shift, 0);
            long ab = (long) (x * (1 << left)) * multiplier;
            long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
            int high = (x * (1 << left) == Integer.MIN_VALUE && multiplier == Integer.MIN_VALUE) ? Integer.MAX_VALUE
                    : (int) ((ab + nudge) / (1L << 31));
            int mask = (1 << right) - 1;
            int remainder = high & mask;
            int threshold = (mask >> 1) + (high < 0 ? 1 : 0);
            return (high >> right) + (remainder > threshold ? 1 : 0);
        }
    }

    /**
     * The softmax of int8 logits with parameters {@code p}, computed exactly and rounded to the
     * int8 softmax output's steps of 1/256 (zero point -128): what every int8 SOFTMAX kernel
     * approximates, each with its own tables, to within one step.
     */
    public static int[] exactSoftmax(int[] logits, ActivationParams p) {
        double scale = (float) p.scale();
        double[] e = new double[logits.length];
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            e[c] = Math.exp(scale * (logits[c] - p.zeroPoint()));
            sum += e[c];
        }
        int[] out = new int[logits.length];
        for (int c = 0; c < logits.length; c++) {
            out[c] = clamp(Math.round(e[c] / sum * 256) - 128, -128, 127);
        }
        return out;
    }

    public static int clamp(long v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }
}
