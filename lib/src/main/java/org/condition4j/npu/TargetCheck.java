package org.condition4j.npu;

import org.condition4j.graph.Conv2D;
import org.condition4j.graph.DepthwiseConv2D;
import org.condition4j.graph.FullyConnected;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.WeightedOp;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Will this network run on an Ethos-U NPU? Checked on the network's inference graph, which the
 * exporter writes one op per operator, so no export and no Vela run is needed: one
 * {@link LayerCheck} per op (NPU or CPU, and why, by {@link OperatorRules}) and {@link Advice} on
 * channel counts that do not fill the NPU's 16-channel bricks and on the ops that dominate MACs
 * and weight traffic. Assumes the full-int8 export (int8 input and output), as NPU deployments use.
 */
public final class TargetCheck {
    /** The NPU stores feature maps and works on output channels in bricks of this many channels. */
    public static final int BRICK_CHANNELS = 16;
    /** An op with at least this share of the network's MACs or weights is named in the advice. */
    public static final double DOMINANT_SHARE = 0.25;

    private final NpuFamily family;
    private final List<LayerCheck> layers;
    private final List<Advice> advice;

    private TargetCheck(NpuFamily family, List<LayerCheck> layers, List<Advice> advice) {
        this.family = family;
        this.layers = List.copyOf(layers);
        this.advice = List.copyOf(advice);
    }

    /**
     * Checks {@code net} for {@code family}. A network the exporter cannot write fails here with
     * the exporter's message ({@link org.condition4j.layers.UnsupportedNetworkException}).
     */
    public static TargetCheck of(MultiLayerNetwork net, NpuFamily family) {
        return of(InferenceGraph.of(net), family);
    }

    public static TargetCheck of(InferenceGraph graph, NpuFamily family) {
        if (family == null) {
            throw new IllegalArgumentException("No NPU family given; use NpuFamily.U55, U65 or U85");
        }
        List<LayerCheck> layers = new ArrayList<>();
        for (Op op : graph.ops()) {
            List<Violation> violations = OperatorRules.violations(op, family);
            layers.add(new LayerCheck(op.name(), op.layer(), OperatorRules.operator(op), op.describe(),
                    violations.isEmpty() ? Placement.NPU : Placement.CPU, violations, macs(op), weightBytes(op),
                    op instanceof WeightedOp w ? w.outputChannels() : channels(op.outputShape())));
        }
        return new TargetCheck(family, layers, advice(graph, layers));
    }

    /**
     * This check with advice on channel cuts added, from the cycles Vela counted for each op on
     * {@code accelerator} ({@code cyclesByTensor}: output tensor name to cycles, e.g. from
     * {@code OperatorCost.of(report, model)}). For each convolution or dense op but the last (the
     * classifier), with c output channels in b blocks of the accelerator's depth d
     * ({@link ChannelBlock}): removing the channels of the last, partly or wholly filled block
     * (down to (b - 1) * d) saves about one block's share of the op's cycles, its cycles / b, and
     * removing fewer saves none, since the NPU computes a block whole. The layer reading the
     * channels also gets cheaper; that is not counted.
     */
    public TargetCheck withCycles(Map<String, Long> cyclesByTensor, String accelerator) {
        int depth = ChannelBlock.depth(accelerator);
        List<Advice> more = new ArrayList<>(advice);
        LayerCheck last = null;
        for (LayerCheck l : layers) {
            if (cuttable(l)) {
                last = l;
            }
        }
        for (LayerCheck l : layers) {
            Long cycles = cyclesByTensor.get(l.tensor());
            if (!cuttable(l) || l == last || cycles == null || cycles == 0) {
                continue;
            }
            int c = l.outputChannels();
            int blocks = (c + depth - 1) / depth;
            if (blocks < 2) {
                continue;
            }
            int kept = (blocks - 1) * depth;
            more.add(new Advice(l.tensor(), Advice.Kind.CYCLES, String.format(Locale.ROOT,
                    "%d output channels take %,d cycles on %s, in %d blocks of %d: removing %d channel%s (to %d) "
                            + "saves about %,d cycles (one block); removing fewer saves none",
                    c, cycles, accelerator, blocks, depth, c - kept, c - kept == 1 ? "" : "s", kept, cycles / blocks)));
        }
        return new TargetCheck(family, layers, more);
    }

    /** A convolution or dense op: its output channels are its own to cut (a depthwise op's are its input's). */
    private static boolean cuttable(LayerCheck l) {
        return l.operator().equals("CONV_2D") || l.operator().equals("FULLY_CONNECTED");
    }

    public NpuFamily family() {
        return family;
    }

    public List<LayerCheck> layers() {
        return layers;
    }

    public List<Advice> advice() {
        return advice;
    }

    /** The verdict on the op whose output tensor is {@code tensor}. */
    public LayerCheck layer(String tensor) {
        return layers.stream().filter(l -> l.tensor().equals(tensor)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No op writes a tensor '" + tensor + "'; tensors: "
                        + layers.stream().map(LayerCheck::tensor).toList()));
    }

    public boolean allOnNpu() {
        return layers.stream().allMatch(LayerCheck::onNpu);
    }

    public List<LayerCheck> cpuLayers() {
        return layers.stream().filter(l -> !l.onNpu()).toList();
    }

    public long totalMacs() {
        return layers.stream().mapToLong(LayerCheck::macs).sum();
    }

    public long totalWeightBytes() {
        return layers.stream().mapToLong(LayerCheck::weightBytes).sum();
    }

    /** Multiply-accumulates of one inference. */
    static long macs(Op op) {
        int[] out = op.outputShape();
        if (op instanceof Conv2D c) {
            return (long) out[1] * out[2] * out[3] * c.window().kernelH() * c.window().kernelW() * c.inputShape()[3];
        } else if (op instanceof DepthwiseConv2D d) {
            return (long) out[1] * out[2] * out[3] * d.window().kernelH() * d.window().kernelW();
        } else if (op instanceof FullyConnected f) {
            return (long) f.inputShape()[1] * out[1];
        }
        return 0;
    }

    private static long weightBytes(Op op) {
        return op instanceof WeightedOp w ? w.weights().length + 4L * w.bias().length : 0;
    }

    private static int channels(int[] shape) {
        return shape[shape.length - 1];
    }

    private static List<Advice> advice(InferenceGraph graph, List<LayerCheck> layers) {
        List<Advice> advice = new ArrayList<>();
        WeightedOp last = null;
        for (Op op : graph.ops()) {
            if (op instanceof WeightedOp w) {
                last = w;
            }
        }
        for (Op op : graph.ops()) {
            // the last weighted op's width is the task's (e.g. 10 classes), not a design choice
            if (op instanceof WeightedOp w && w != last && w.outputChannels() % BRICK_CHANNELS != 0) {
                int c = w.outputChannels();
                int bricks = (c + BRICK_CHANNELS - 1) / BRICK_CHANNELS;
                int slots = bricks * BRICK_CHANNELS;
                advice.add(new Advice(op.name(), Advice.Kind.CHANNELS, String.format(Locale.ROOT,
                        "%d output channels fill %d brick%s of %d (%d slots, %.0f %% empty): the NPU stores and "
                                + "computes the empty slots too; %s channels fit exactly",
                        c, bricks, bricks == 1 ? "" : "s", BRICK_CHANNELS, slots, 100.0 * (slots - c) / slots,
                        c < BRICK_CHANNELS ? String.valueOf(BRICK_CHANNELS)
                                : (slots - BRICK_CHANNELS) + " or " + slots)));
            }
        }
        long macs = layers.stream().mapToLong(LayerCheck::macs).sum();
        long weights = layers.stream().mapToLong(LayerCheck::weightBytes).sum();
        for (LayerCheck l : layers) {
            if (macs > 0 && l.macs() >= DOMINANT_SHARE * macs) {
                advice.add(new Advice(l.tensor(), Advice.Kind.MACS, String.format(Locale.ROOT,
                        "%.0f %% of the network's MACs (%,d of %,d): fewer filters or a smaller input here saves "
                                + "the most compute", 100.0 * l.macs() / macs, l.macs(), macs)));
            }
            if (weights > 0 && l.weightBytes() >= DOMINANT_SHARE * weights) {
                advice.add(new Advice(l.tensor(), Advice.Kind.WEIGHTS, String.format(Locale.ROOT,
                        "%.0f %% of the weights (%,d of %,d bytes), read from flash or DRAM on every inference: "
                                + "pruning or clustering this layer shrinks the weight traffic most",
                        100.0 * l.weightBytes() / weights, l.weightBytes(), weights)));
            }
        }
        return advice;
    }
}
