package org.condition4j.quantize;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.Pool2D;
import org.condition4j.graph.Reshape;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.WeightedOp;
import org.condition4j.quantize.Int8Scheme.ActivationParams;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

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

    /**
     * One row per tensor: its op, observed range, scale and zero point, and for convolution and
     * dense ops the range of the per-channel weight scales.
     */
    public Table table() {
        StringColumn tensor = StringColumn.create("tensor");
        StringColumn kind = StringColumn.create("op");
        DoubleColumn min = DoubleColumn.create("range min");
        DoubleColumn max = DoubleColumn.create("range max");
        DoubleColumn scale = DoubleColumn.create("scale");
        IntColumn zeroPoint = IntColumn.create("zero point");
        DoubleColumn wMin = DoubleColumn.create("weight scale min");
        DoubleColumn wMax = DoubleColumn.create("weight scale max");
        List<String> names = graph.tensorNames();
        for (int t = 0; t < names.size(); t++) {
            tensor.append(names.get(t));
            kind.append(t == 0 ? "input" : graph.op(t - 1).getClass().getSimpleName());
            min.append(params[t].min());
            max.append(params[t].max());
            scale.append(params[t].scale());
            zeroPoint.append(params[t].zeroPoint());
            QuantizedWeights w = t == 0 ? null : weights[t - 1];
            if (w == null) {
                wMin.appendMissing();
                wMax.appendMissing();
            } else {
                wMin.append(Arrays.stream(w.scales()).min().orElse(Double.NaN));
                wMax.append(Arrays.stream(w.scales()).max().orElse(Double.NaN));
            }
        }
        return Table.create("Int8 quantization", tensor, kind, min, max, scale, zeroPoint, wMin, wMax);
    }

    @Override
    public String toString() {
        return table().print(params.length);
    }
}
