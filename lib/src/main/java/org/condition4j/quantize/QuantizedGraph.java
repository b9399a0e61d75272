package org.condition4j.quantize;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Reshape;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.quantize.Int8Scheme.ActivationParams;

import java.util.Arrays;
import java.util.List;

/**
 * An {@link InferenceGraph} with everything the int8 TFLite file needs: scale and zero point of
 * every tensor, int8 weights and int32 biases of every convolution and dense op. Tensors of pools
 * and reshapes keep their input's parameters and softmax outputs 1/256, -128, as TFLite requires;
 * every other tensor takes the parameters of its activation range.
 */
public final class QuantizedGraph {
    private final InferenceGraph graph;
    private final ActivationRanges ranges;
    /** [0] the input, [k + 1] the output of op k. */
    private final ActivationParams[] params;
    /** Per op; null for ops without weights. */
    private final QuantizedWeights[] weights;
    private final boolean perTensorWeights;

    QuantizedGraph(InferenceGraph graph, ActivationRanges ranges) {
        this(graph, ranges, false);
    }

    private QuantizedGraph(InferenceGraph graph, ActivationRanges ranges, boolean perTensorWeights) {
        this.graph = graph;
        this.ranges = ranges;
        this.perTensorWeights = perTensorWeights;
        List<Op> ops = graph.ops();
        params = new ActivationParams[ops.size() + 1];
        weights = new QuantizedWeights[ops.size()];
        params[0] = ranges.get(InferenceGraph.INPUT).params();
        for (int k = 0; k < ops.size(); k++) {
            Op op = ops.get(k);
            if (op instanceof WeightedOp w) {
                weights[k] = QuantizedWeights.of(w, params[k].scale(), perTensorWeights);
                params[k + 1] = ranges.get(op.name()).params();
            } else if (op instanceof Pool2D || op instanceof Reshape) {
                params[k + 1] = params[k];
            } else if (op instanceof Softmax) {
                params[k + 1] = Int8Scheme.SOFTMAX_OUTPUT;
            } else {
                throw new IllegalStateException("No int8 rule for " + op);
            }
        }
    }

    public InferenceGraph graph() {
        return graph;
    }

    /** The activation ranges this graph was quantized with. */
    public ActivationRanges ranges() {
        return ranges;
    }

    public ActivationParams input() {
        return params[0];
    }

    public ActivationParams output() {
        return params[params.length - 1];
    }

    /** Parameters of tensor {@code index}: 0 is the input, {@code k + 1} the output of op k. */
    public ActivationParams params(int index) {
        return params[index];
    }

    public ActivationParams params(String tensor) {
        int index = graph.tensorNames().indexOf(tensor);
        if (index < 0) {
            throw new IllegalArgumentException("No tensor '" + tensor + "'; tensors: " + graph.tensorNames());
        }
        return params[index];
    }

    /** The int8 weights of op {@code opIndex}, or null if it has none. */
    public QuantizedWeights weights(int opIndex) {
        return weights[opIndex];
    }

    /** The first {@code opCount} ops, quantized exactly as here. */
    public QuantizedGraph prefix(int opCount) {
        return new QuantizedGraph(graph.prefix(opCount), ranges, perTensorWeights);
    }

    /**
     * The same graph with one weight scale per tensor for every op instead of one per output
     * channel. For clustered weights: a layer's K shared float values then stay K int8 values
     * (with a scale per channel each centroid becomes a different integer in each channel), which
     * is what makes clustering compress in the .tflite file and in Vela's weight encoding. Costs
     * precision for channels whose weights are much smaller than the layer's largest.
     */
    public QuantizedGraph withPerTensorWeights() {
        return new QuantizedGraph(graph, ranges, true);
    }

    /** Whether every weight tensor has a single scale (see {@link #withPerTensorWeights()}). */
    public boolean perTensorWeights() {
        return perTensorWeights;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Int8 quantization (" + (perTensorWeights ? "per-tensor" : "per-channel")
                + " weights)\n");
        for (int t = 0; t < params.length; t++) {
            text.append(graph.tensorNames().get(t)).append(": ").append(params[t]).append('\n');
        }
        return text.toString();
    }
}
