package org.condition4j.graph;

import java.util.List;

/**
 * Runs an {@link InferenceGraph} in float, in plain Java, one example at a time. Calibration uses
 * it because its tensors are exactly the tensors that get exported (including ones DL4J never
 * shows, such as the inside of a separable convolution). Create one per thread and reuse it: it
 * keeps the weights in the order its loops read them.
 */
public final class FloatInference {
    private final InferenceGraph graph;
    /** Per op: weights re-ordered for the inner loops ([kh][kw][in][out] or [in][out]), else null. */
    private final float[][] loopWeights;

    private FloatInference(InferenceGraph graph) {
        this.graph = graph;
        List<Op> ops = graph.ops();
        loopWeights = new float[ops.size()][];
        for (int k = 0; k < ops.size(); k++) {
            loopWeights[k] = loopWeights(ops.get(k));
        }
    }

    private static float[] loopWeights(Op op) {
        if (op instanceof Conv2D c) {
            return outputChannelsLast(c.weights(), c.outputShape()[3]);
        } else if (op instanceof FullyConnected f) {
            return outputChannelsLast(f.weights(), f.outputShape()[1]);
        }
        return null;
    }

    /**
     * One op alone on its input tensor, as {@link #runAll} computes it. With other weights (see
     * {@link WeightedOp#with}) it also propagates bounds: e.g. an error tensor through |weights|.
     */
    public static float[] apply(Op op, float[] input) {
        return run(loopWeights(op), op, input);
    }

    public static FloatInference of(InferenceGraph graph) {
        return new FloatInference(graph);
    }

    /** The graph's output for one NHWC input. */
    public float[] run(float[] input) {
        float[][] all = runAll(input);
        return all[all.length - 1];
    }

    /** Every tensor: [0] is the input, [k + 1] the output of op k. */
    public float[][] runAll(float[] input) {
        if (input.length != graph.inputSize()) {
            throw new IllegalArgumentException("Input has " + input.length + " values; the graph expects "
                    + graph.inputSize());
        }
        List<Op> ops = graph.ops();
        float[][] tensors = new float[ops.size() + 1][];
        tensors[0] = input;
        for (int k = 0; k < ops.size(); k++) {
            tensors[k + 1] = run(loopWeights[k], ops.get(k), tensors[k]);
        }
        return tensors;
    }

    private static float[] run(float[] loopWeights, Op op, float[] in) {
        if (op instanceof Conv2D c) {
            return conv(c, loopWeights, in);
        } else if (op instanceof DepthwiseConv2D d) {
            return depthwise(d, in);
        } else if (op instanceof FullyConnected f) {
            return dense(f, loopWeights, in);
        } else if (op instanceof Pool2D p) {
            return pool(p, in);
        } else if (op instanceof Softmax) {
            return softmax(in);
        } else if (op instanceof Reshape) {
            return in;
        }
        throw new IllegalStateException("Unknown op " + op);
    }

    /** [out, rest...] to [rest..., out], so the innermost loop runs over output channels. */
    private static float[] outputChannelsLast(float[] w, int out) {
        int rest = w.length / out;
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < rest; r++) {
                t[r * out + o] = w[o * rest + r];
            }
        }
        return t;
    }

    private static float[] conv(Conv2D c, float[] w, float[] in) {
        int[] is = c.inputShape();
        int[] os = c.outputShape();
        Window win = c.window();
        int inH = is[1], inW = is[2], inC = is[3];
        int outH = os[1], outW = os[2], outC = os[3];
        int top = win.padTop(inH), left = win.padLeft(inW);
        float[] out = new float[outH * outW * outC];
        float[] acc = new float[outC];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                System.arraycopy(c.bias(), 0, acc, 0, outC);
                for (int ky = 0; ky < win.kernelH(); ky++) {
                    int iy = oy * win.strideH() - top + ky;
                    if (iy < 0 || iy >= inH) {
                        continue;
                    }
                    for (int kx = 0; kx < win.kernelW(); kx++) {
                        int ix = ox * win.strideW() - left + kx;
                        if (ix < 0 || ix >= inW) {
                            continue;
                        }
                        int inBase = (iy * inW + ix) * inC;
                        int wBase = (ky * win.kernelW() + kx) * inC * outC;
                        for (int ic = 0; ic < inC; ic++) {
                            float v = in[inBase + ic];
                            if (v == 0f) {
                                continue;
                            }
                            int wOff = wBase + ic * outC;
                            for (int oc = 0; oc < outC; oc++) {
                                acc[oc] += v * w[wOff + oc];
                            }
                        }
                    }
                }
                activate(acc, c.activation(), out, (oy * outW + ox) * outC);
            }
        }
        return out;
    }

    private static float[] depthwise(DepthwiseConv2D d, float[] in) {
        int[] is = d.inputShape();
        int[] os = d.outputShape();
        Window win = d.window();
        int inH = is[1], inW = is[2], inC = is[3];
        int outH = os[1], outW = os[2], outC = os[3];
        int m = d.depthMultiplier();
        int top = win.padTop(inH), left = win.padLeft(inW);
        float[] w = d.weights();
        float[] out = new float[outH * outW * outC];
        float[] acc = new float[outC];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                System.arraycopy(d.bias(), 0, acc, 0, outC);
                for (int ky = 0; ky < win.kernelH(); ky++) {
                    int iy = oy * win.strideH() - top + ky;
                    if (iy < 0 || iy >= inH) {
                        continue;
                    }
                    for (int kx = 0; kx < win.kernelW(); kx++) {
                        int ix = ox * win.strideW() - left + kx;
                        if (ix < 0 || ix >= inW) {
                            continue;
                        }
                        int inBase = (iy * inW + ix) * inC;
                        int wBase = (ky * win.kernelW() + kx) * outC;
                        for (int ic = 0; ic < inC; ic++) {
                            float v = in[inBase + ic];
                            for (int j = 0; j < m; j++) {
                                acc[ic * m + j] += v * w[wBase + ic * m + j];
                            }
                        }
                    }
                }
                activate(acc, d.activation(), out, (oy * outW + ox) * outC);
            }
        }
        return out;
    }

    private static float[] dense(FullyConnected f, float[] w, float[] in) {
        int outC = f.outputShape()[1];
        float[] acc = f.bias().clone();
        for (int j = 0; j < in.length; j++) {
            float v = in[j];
            if (v == 0f) {
                continue;
            }
            int off = j * outC;
            for (int o = 0; o < outC; o++) {
                acc[o] += v * w[off + o];
            }
        }
        float[] out = new float[outC];
        activate(acc, f.activation(), out, 0);
        return out;
    }

    private static void activate(float[] acc, FusedActivation activation, float[] out, int offset) {
        for (int i = 0; i < acc.length; i++) {
            out[offset + i] = activation.apply(acc[i]);
        }
    }

    private static float[] pool(Pool2D p, float[] in) {
        int[] is = p.inputShape();
        int[] os = p.outputShape();
        Window win = p.window();
        int inH = is[1], inW = is[2], c = is[3];
        int outH = os[1], outW = os[2];
        int top = win.padTop(inH), left = win.padLeft(inW);
        boolean max = p.kind() == Pool2D.Kind.MAX;
        float[] out = new float[outH * outW * c];
        for (int oy = 0; oy < outH; oy++) {
            int y0 = Math.max(0, oy * win.strideH() - top);
            int y1 = Math.min(inH, oy * win.strideH() - top + win.kernelH());
            for (int ox = 0; ox < outW; ox++) {
                int x0 = Math.max(0, ox * win.strideW() - left);
                int x1 = Math.min(inW, ox * win.strideW() - left + win.kernelW());
                int count = (y1 - y0) * (x1 - x0);
                for (int ch = 0; ch < c; ch++) {
                    float v = max ? Float.NEGATIVE_INFINITY : 0f;
                    for (int y = y0; y < y1; y++) {
                        for (int x = x0; x < x1; x++) {
                            float e = in[(y * inW + x) * c + ch];
                            v = max ? Math.max(v, e) : v + e;
                        }
                    }
                    out[(oy * outW + ox) * c + ch] = max ? v : v / count;
                }
            }
        }
        return out;
    }

    private static float[] softmax(float[] in) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : in) {
            max = Math.max(max, v);
        }
        double sum = 0;
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) Math.exp(in[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) (out[i] / sum);
        }
        return out;
    }
}
