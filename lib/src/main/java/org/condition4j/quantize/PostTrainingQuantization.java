package org.condition4j.quantize;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Op;
import org.condition4j.graph.WeightedOp;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Full-integer post-training quantization of an {@link InferenceGraph}: activation ranges come
 * from calibration on a few representative images, or from outside (e.g. learned by
 * quantization-aware training); weights are quantized per channel by {@link Int8Scheme}.
 */
public final class PostTrainingQuantization {
    private PostTrainingQuantization() {}

    /** Calibrates activation ranges on {@code representative} and quantizes with them. */
    public static QuantizedGraph calibrate(InferenceGraph graph, DataSet representative) {
        return new QuantizedGraph(graph, Calibration.observe(graph, representative));
    }

    /**
     * Quantizes with the given ranges: one for {@value InferenceGraph#INPUT} and one for the
     * output of every convolution and dense op (by tensor name). Other ranges are ignored.
     */
    public static QuantizedGraph withRanges(InferenceGraph graph, ActivationRanges ranges) {
        List<String> missing = new ArrayList<>(requiredRanges(graph));
        missing.removeIf(ranges::contains);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("Activation ranges are missing for tensors " + missing
                    + "; the graph needs ranges for " + requiredRanges(graph));
        }
        return new QuantizedGraph(graph, ranges);
    }

    /** The tensors whose scale and zero point come from an activation range. */
    public static List<String> requiredRanges(InferenceGraph graph) {
        List<String> names = new ArrayList<>();
        names.add(InferenceGraph.INPUT);
        for (Op op : graph.ops()) {
            if (op instanceof WeightedOp) {
                names.add(op.name());
            }
        }
        return names;
    }
}
