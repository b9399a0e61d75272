package org.condition4j.testing;

import org.condition4j.graph.FloatInference;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.quantize.Int8Scheme;
import org.condition4j.quantize.Int8Scheme.ActivationParams;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.quantize.QuantizedWeights;
import org.condition4j.tflite.ErrorBound;
import org.condition4j.tflite.IntegerReference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An int8 file against the network it was exported from, with verdicts that hold for any trained
 * weights: the tests of conditioned networks (pruned, clustered, quantization-aware) use it instead
 * of agreement counts or accuracy differences.
 *
 * <ul>
 *   <li>The rounding rules of the int8 weights, against the network's float weights: each
 *       channel's (or the tensor's) scale is its largest magnitude over 127, each int8 weight
 *       within half a step of its float weight, each int32 bias the nearest multiple of input
 *       scale times weight scale.</li>
 *   <li>Every int8 tensor of the integer reference ({@link IntegerReference}) within the bound the
 *       specification allows ({@link ErrorBound}, op by op from the actual error of the op's input)
 *       of the compared network's tensor.</li>
 *   <li>The file's own output (int8 softmax, scale 1/256, as the interpreter computed it) within
 *       one step of the exactly rounded softmax of the reference's logits (TFLite's int8 softmax is
 *       table-based).</li>
 *   <li>On every <em>decisive</em> image the file picks the compared network's class: an image
 *       whose logits, the top one lowered and every other raised by its bound, still give the top
 *       class a probability more than 3/256 above every other (one and a half steps of rounding
 *       and table error on each side) or at least 255/256.</li>
 * </ul>
 * How many images are decisive depends on the weights and is printed, not asserted.
 */
public final class Int8Bounds {
    /** One step of the int8 softmax output. */
    private static final double STEP = 1.0 / 256;

    private Int8Bounds() {}

    /** All images: every broken rule, and how many decisive images the file got right. */
    public record Report(int images, int decisive, int agreeingOnDecisive, double largestShareOfBound,
                         List<String> violations) {
        /** Whether every rule held and the file picked the compared class on every decisive image. */
        public boolean holds() {
            return violations.isEmpty() && decisive == agreeingOnDecisive;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d images, %d decisive, the file agrees on %d of them; largest "
                    + "|int8 - compared| %.2f of its bound; %d violations%s", images, decisive, agreeingOnDecisive,
                    largestShareOfBound, violations.size(),
                    violations.isEmpty() ? "" : ": " + String.join("; ", violations.subList(0,
                            Math.min(5, violations.size()))));
        }
    }

    /**
     * {@code q} against the float network it was quantized from ({@code q.graph()}, run in plain
     * Java by {@link FloatInference}) on {@code inputs} (NHWC, {@link InferenceGraph#inputs}), with
     * the file's raw int8 outputs for the same inputs ({@code null} to check no file).
     */
    public static Report check(QuantizedGraph q, float[][] inputs, byte[][] fileOutputs) {
        FloatInference floats = FloatInference.of(q.graph());
        int logits = logitsTensor(q.graph());
        List<float[][]> compared = new ArrayList<>();
        int[] classes = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            float[][] tensors = floats.runAll(inputs[i]);
            compared.add(tensors);
            classes[i] = argMax(tensors[logits]);
        }
        return check(q, compared, classes, 0, inputs, fileOutputs);
    }

    /**
     * {@code q} against another network computing the same ops from the same float weights (a
     * quantization-aware network, which rounds its own tensors): {@code tensors.get(i)[k]} is its
     * tensor before op k on image i, laid out as {@link IntegerReference#run} lays them out (NHWC;
     * the logits, not probabilities, before a softmax), and {@code classes[i]} the class it
     * predicts. {@code classSlackSteps}, in steps of the logits' scale, widens on each side the
     * margin a decisive image needs where the network predicts from logits rounded to their grid
     * while {@code tensors} holds them unrounded.
     */
    public static Report check(QuantizedGraph q, List<float[][]> tensors, int[] classes, double classSlackSteps,
                               float[][] inputs, byte[][] fileOutputs) {
        List<String> violations = new ArrayList<>();
        checkWeightRounding(q, violations);
        IntegerReference reference = new IntegerReference(q);
        List<Op> ops = q.graph().ops();
        int logits = logitsTensor(q.graph());
        boolean softmax = logits < ops.size();
        int decisive = 0;
        int agreeing = 0;
        double largestShare = 0;
        for (int i = 0; i < inputs.length; i++) {
            int[][] int8 = reference.run(inputs[i]);
            float[][] exact = tensors.get(i);
            double[][] bounds = ErrorBound.of(q, exact, int8);
            for (int k = 0; k <= logits; k++) {
                double[] error = ErrorBound.actualError(int8[k], exact[k], q.params(k));
                for (int v = 0; v < error.length; v++) {
                    largestShare = Math.max(largestShare, error[v] / bounds[k][v]);
                    if (error[v] > bounds[k][v]) {
                        violations.add(String.format(Locale.ROOT, "image %d, tensor %s value %d: int8 %d lies %.4g "
                                + "from %.6g, bound %.4g", i, k == 0 ? InferenceGraph.INPUT : ops.get(k - 1).name(),
                                v, int8[k][v], error[v], exact[k][v], bounds[k][v]));
                        break;
                    }
                }
            }
            if (!softmax || fileOutputs == null) {
                continue;
            }
            double[] exactSoftmax = softmax(int8[logits], q.params(logits));
            byte[] file = fileOutputs[i];
            for (int c = 0; c < exactSoftmax.length; c++) {
                int want = IntegerReference.clamp(Math.round(exactSoftmax[c] * 256) - 128, -128, 127);
                if (Math.abs(file[c] - want) > 1) {
                    violations.add("image " + i + " class " + c + ": the file's softmax output " + file[c]
                            + " is more than one step from the exact softmax of the reference's logits, " + want);
                }
            }
            float[] z = exact[logits];
            double[] bound = bounds[logits];
            int t = classes[i];
            double slack = classSlackSteps * (float) q.params(logits).scale();
            double[] worst = new double[z.length];
            for (int c = 0; c < z.length; c++) {
                worst[c] = c == t ? z[c] - bound[c] - slack : z[c] + bound[c] + slack;
            }
            double[] p = softmax(worst);
            boolean isDecisive = true;
            for (int c = 0; c < p.length; c++) {
                isDecisive &= c == t || p[t] - p[c] > 3 * STEP || p[t] >= 255 * STEP;
            }
            if (isDecisive) {
                decisive++;
                int fileClass = argMax(file);
                if (fileClass == t) {
                    agreeing++;
                } else {
                    violations.add(String.format(Locale.ROOT, "image %d: decisive (class %d, worst-case top "
                            + "probability %.4f), yet the file picks %d", i, t, p[t], fileClass));
                }
            }
        }
        return new Report(inputs.length, decisive, agreeing, largestShare, violations);
    }

    /** The tensor index of the logits: the input of a final softmax, else the output. */
    private static int logitsTensor(InferenceGraph graph) {
        int last = graph.ops().size() - 1;
        return graph.op(last) instanceof Softmax ? last : last + 1;
    }

    /** The int8 weights times their scales, in the op's weight layout. */
    private static double[] dequantizedWeights(QuantizedWeights qw) {
        byte[] values = qw.values();
        int inner = inner(qw);
        int channels = qw.channels();
        double[] w = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            w[i] = values[i] * qw.scale((i / inner) % channels);
        }
        return w;
    }

    /** Values per step of the channel axis. */
    private static int inner(QuantizedWeights qw) {
        int[] shape = qw.shape();
        int inner = 1;
        for (int d = qw.channelAxis() + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return inner;
    }

    /**
     * The rounding rules of the int8 weights against the float weights of {@code q.graph()}: each
     * channel's (or the tensor's) scale is its largest magnitude over 127, each int8 weight within
     * half a step of its float weight, each int32 bias the nearest multiple of input scale times
     * weight scale. A wrong weight, scale or bias fails here whatever the weights.
     */
    private static void checkWeightRounding(QuantizedGraph q, List<String> violations) {
        for (int k = 0; k < q.graph().ops().size(); k++) {
            QuantizedWeights qw = q.weights(k);
            if (qw == null) {
                continue;
            }
            WeightedOp op = (WeightedOp) q.graph().op(k);
            float[] w = op.weights();
            double[] wq = dequantizedWeights(qw);
            int inner = inner(qw);
            int channels = qw.channels();
            double[] maxAbs = new double[qw.scales().length];
            for (int i = 0; i < w.length; i++) {
                int g = qw.scales().length == 1 ? 0 : (i / inner) % channels;
                maxAbs[g] = Math.max(maxAbs[g], Math.abs(w[i]));
                double step = qw.scales()[g];
                if (Math.abs(wq[i] - w[i]) > 0.5 * step * (1 + 1e-6)) {
                    violations.add(op.name() + " weight " + i + ": int8 " + qw.values()[i] + " x " + step
                            + " is more than half a step from " + w[i]);
                    break;
                }
            }
            for (int g = 0; g < maxAbs.length; g++) {
                double scale = qw.scales()[g];
                if (maxAbs[g] > 0 && Math.abs(scale * Int8Scheme.WEIGHT_MAX - maxAbs[g]) > 1e-6 * maxAbs[g]) {
                    violations.add(op.name() + " weight scale " + g + ": " + scale + ", not the largest magnitude "
                            + maxAbs[g] + " / 127");
                }
            }
            float[] b = op.bias();
            for (int ch = 0; ch < b.length; ch++) {
                double biasScale = qw.biasScales()[qw.biasScales().length == 1 ? 0 : ch];
                double weightScale = qw.scales()[qw.scales().length == 1 ? 0 : ch];
                if (Math.abs(biasScale - q.params(k).scale() * weightScale) > 1e-9 * biasScale
                        || Math.abs(biasScale * qw.bias()[ch] - b[ch]) > 0.5 * biasScale * (1 + 1e-6)) {
                    violations.add(op.name() + " bias " + ch + ": int32 " + qw.bias()[ch] + " x " + biasScale
                            + " is not the nearest multiple of input scale x weight scale to " + b[ch]);
                }
            }
        }
    }

    private static double[] softmax(int[] int8, ActivationParams p) {
        double[] z = new double[int8.length];
        for (int c = 0; c < z.length; c++) {
            z[c] = (float) p.scale() * (int8[c] - p.zeroPoint());
        }
        return softmax(z);
    }

    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = Math.exp(z[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < z.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** The first largest value, as TfliteInterpreter and LiteRT evaluations pick a class. */
    public static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int argMax(byte[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
