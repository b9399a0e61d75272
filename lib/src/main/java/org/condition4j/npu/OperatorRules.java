package org.condition4j.npu;

import org.condition4j.graph.Conv2D;
import org.condition4j.graph.DepthwiseConv2D;
import org.condition4j.graph.FullyConnected;
import org.condition4j.graph.Op;
import org.condition4j.graph.Padding;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Reshape;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.graph.Window;
import org.condition4j.quantize.QuantizedWeights;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every Ethos-U operator rule the check knows, in one place, for the operators the exporter
 * writes (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, AVERAGE_POOL_2D, RESHAPE,
 * SOFTMAX). They follow the operator constraints Vela {@value #VELA_VERSION} documents
 * ({@code vela --supported-ops-report}, SUPPORTED_OPS.md). Vela's generic constraints (int8 feature
 * maps, quantization parameters on every tensor, positive scales, per-axis quantization only on
 * convolutions and dense layers, int32 bias) hold for every full-int8 file the exporter writes,
 * so they need no rule here. Nor do activations: the exporter fuses only ReLU and ReLU6 into int8
 * convolutions and dense layers (others it refuses), Vela {@value #VELA_VERSION} documents no limit
 * on fused activations, and its only limit on activation operators (LOGISTIC, TANH, LEAKY_RELU, ...)
 * is "32-bit feature-maps are not supported", which no int8 export meets. The messages are what the
 * user reads.
 */
public final class OperatorRules {
    /** The Vela version whose SUPPORTED_OPS.md these rules follow. */
    public static final String VELA_VERSION = "5.2.0";
    /** Largest sum of absolute int8 weights of one output channel Vela accepts for an 8-bit input (127 x 65536). */
    public static final long MAX_WEIGHT_SUM = 8_323_072L;
    /** Largest pooling kernel area and height. */
    public static final int MAX_POOL_AREA = 256 * 256;
    public static final int MAX_POOL_HEIGHT = 256;
    /** Largest average-pooling kernel side with SAME padding. */
    public static final int MAX_SAME_AVERAGE_POOL_SIDE = 8;
    /** Largest stride the U55/U65 take with SAME padding (and for depthwise convolutions at all). */
    public static final int MAX_STRIDE = 3;
    /** Softmax input height x width must stay below this. */
    public static final int MAX_SOFTMAX_AREA = 65536;

    private static final Set<NpuFamily> ALL = EnumSet.allOf(NpuFamily.class);
    private static final Set<NpuFamily> U55_U65 = EnumSet.of(NpuFamily.U55, NpuFamily.U65);

    /** One documented constraint: the operators and NPU families it applies to, and its test. */
    private record Rule(String operator, Set<NpuFamily> families, Function<Op, Optional<Violation>> test) {}

    private static final List<Rule> RULES = List.of(
            new Rule("CONV_2D", U55_U65, op -> largeStrideNeedsValid(op, ((Conv2D) op).window(), "convolution")),
            new Rule("CONV_2D", ALL, OperatorRules::weightSum),
            new Rule("DEPTHWISE_CONV_2D", U55_U65, op -> depthwiseStride(((DepthwiseConv2D) op).window())),
            new Rule("DEPTHWISE_CONV_2D", ALL, OperatorRules::weightSum),
            new Rule("FULLY_CONNECTED", ALL, OperatorRules::weightSum),
            new Rule("AVERAGE_POOL_2D", ALL, op -> averagePoolKernel(op, ((Pool2D) op).window())),
            new Rule("AVERAGE_POOL_2D", U55_U65, op -> largeStrideNeedsValid(op, ((Pool2D) op).window(), "pooling")),
            new Rule("MAX_POOL_2D", ALL, op -> maxPoolKernel(((Pool2D) op).window())),
            new Rule("MAX_POOL_2D", U55_U65, op -> largeStrideNeedsValid(op, ((Pool2D) op).window(), "pooling")),
            new Rule("SOFTMAX", ALL, OperatorRules::softmaxArea));

    private OperatorRules() {}

    /** The TFLite operator the exporter writes for {@code op}. */
    public static String operator(Op op) {
        if (op instanceof Conv2D) {
            return "CONV_2D";
        } else if (op instanceof DepthwiseConv2D) {
            return "DEPTHWISE_CONV_2D";
        } else if (op instanceof FullyConnected) {
            return "FULLY_CONNECTED";
        } else if (op instanceof Pool2D p) {
            return p.kind() == Pool2D.Kind.MAX ? "MAX_POOL_2D" : "AVERAGE_POOL_2D";
        } else if (op instanceof Reshape) {
            return "RESHAPE";
        } else if (op instanceof Softmax) {
            return "SOFTMAX";
        }
        throw new IllegalArgumentException("No TFLite operator known for " + op.getClass().getSimpleName());
    }

    /** The constraints {@code op} breaks on {@code family}; empty when Vela will place it on the NPU. */
    public static List<Violation> violations(Op op, NpuFamily family) {
        String operator = operator(op);
        List<Violation> found = new ArrayList<>();
        for (Rule rule : RULES) {
            if (rule.operator().equals(operator) && rule.families().contains(family)) {
                rule.test().apply(op).ifPresent(found::add);
            }
        }
        return found;
    }

    /**
     * Whether the window really pads its input. Vela judges the padding it has to apply, so SAME
     * padding that adds no pixel (the windows fit the input exactly) counts as VALID.
     */
    static boolean pads(Op op, Window w) {
        if (w.padding() == Padding.VALID) {
            return false;
        }
        int[] in = op.inputShape();
        return totalPadding(in[1], w.kernelH(), w.strideH()) > 0 || totalPadding(in[2], w.kernelW(), w.strideW()) > 0;
    }

    private static int totalPadding(int in, int kernel, int stride) {
        return (Padding.SAME.outputSize(in, kernel, stride) - 1) * stride + kernel - in;
    }

    private static Optional<Violation> largeStrideNeedsValid(Op op, Window w, String what) {
        if (Math.max(w.strideH(), w.strideW()) <= MAX_STRIDE || !pads(op, w)) {
            return Optional.empty();
        }
        return Optional.of(new Violation("stride above " + MAX_STRIDE + " only without padding (VALID)",
                what + " stride " + w.strideH() + "x" + w.strideW() + " with SAME padding that pads the input",
                "use a stride of at most " + MAX_STRIDE + ", VALID padding (ConvolutionMode.Truncate), or an input "
                        + "size the windows fit without padding"));
    }

    private static Optional<Violation> depthwiseStride(Window w) {
        if (w.strideH() <= MAX_STRIDE && w.strideW() <= MAX_STRIDE) {
            return Optional.empty();
        }
        return Optional.of(new Violation("depthwise stride 1 to " + MAX_STRIDE,
                "depthwise stride " + w.strideH() + "x" + w.strideW(),
                "use a stride of at most " + MAX_STRIDE + " (stride 2 twice, or a pooling layer after it)"));
    }

    private static Optional<Violation> averagePoolKernel(Op op, Window w) {
        if (pads(op, w)) {
            if (w.kernelH() <= MAX_SAME_AVERAGE_POOL_SIDE && w.kernelW() <= MAX_SAME_AVERAGE_POOL_SIDE) {
                return Optional.empty();
            }
            return Optional.of(new Violation("average pool with SAME padding: kernel at most "
                    + MAX_SAME_AVERAGE_POOL_SIDE + "x" + MAX_SAME_AVERAGE_POOL_SIDE,
                    "kernel " + w.kernelH() + "x" + w.kernelW() + " with SAME padding",
                    "use VALID padding (ConvolutionMode.Truncate), or a kernel of at most "
                            + MAX_SAME_AVERAGE_POOL_SIDE + " (two smaller pools)"));
        }
        return poolKernel(w, "average pool");
    }

    private static Optional<Violation> maxPoolKernel(Window w) {
        return poolKernel(w, "max pool");
    }

    private static Optional<Violation> poolKernel(Window w, String what) {
        if ((long) w.kernelH() * w.kernelW() <= MAX_POOL_AREA && w.kernelH() <= MAX_POOL_HEIGHT) {
            return Optional.empty();
        }
        return Optional.of(new Violation(what + " kernel: at most " + MAX_POOL_HEIGHT + " high and "
                + MAX_POOL_AREA + " positions",
                "kernel " + w.kernelH() + "x" + w.kernelW(),
                "pool in two steps with smaller kernels, or use global pooling on a smaller feature map"));
    }

    private static Optional<Violation> weightSum(Op op) {
        WeightedOp w = (WeightedOp) op;
        long largest = largestChannelWeightSum(w);
        if (largest <= MAX_WEIGHT_SUM) {
            return Optional.empty();
        }
        int perChannel = w.weights().length / w.outputChannels();
        return Optional.of(new Violation("sum of absolute int8 weights per output channel at most " + MAX_WEIGHT_SUM,
                "an output channel's int8 weights add up to " + largest + " (" + perChannel + " weights each)",
                "give each output fewer inputs (pool or stride before this layer, or split it), or let training "
                        + "keep the weights of a channel less uniform in magnitude"));
    }

    /**
     * The largest sum of absolute int8 weights over one output channel, with the weights quantized
     * as the exporter quantizes them (per channel for convolutions, per tensor for dense layers).
     */
    static long largestChannelWeightSum(WeightedOp op) {
        QuantizedWeights q = QuantizedWeights.of(op, 1.0);
        int[] shape = q.shape();
        int channels = q.channels();
        int inner = 1;
        for (int d = q.channelAxis() + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        long[] sums = new long[channels];
        byte[] values = q.values();
        for (int k = 0; k < values.length; k++) {
            sums[(k / inner) % channels] += Math.abs(values[k]);
        }
        long max = 0;
        for (long s : sums) {
            max = Math.max(max, s);
        }
        return max;
    }

    private static Optional<Violation> softmaxArea(Op op) {
        int[] shape = op.inputShape();
        long area = shape.length == 4 ? (long) shape[1] * shape[2] : 1;
        if (area < MAX_SOFTMAX_AREA) {
            return Optional.empty();
        }
        return Optional.of(new Violation("softmax input height x width below " + MAX_SOFTMAX_AREA,
                "input of " + area + " positions", "apply softmax to a smaller (pooled or flattened) tensor"));
    }
}
