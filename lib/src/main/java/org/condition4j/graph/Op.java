package org.condition4j.graph;

/**
 * One op of an {@link InferenceGraph}. Its output tensor carries the op's {@link #name()}; shapes
 * include the batch dimension of 1 and are NHWC for images, as TFLite wants them.
 */
public sealed interface Op permits WeightedOp, Pool2D, Reshape, Softmax {

    /** Name of the op's output tensor (see {@link InferenceGraph} for the naming rule). */
    String name();

    /** Index of the DL4J layer whose output this tensor is, or -1 for a tensor inside a layer. */
    int layer();

    int[] inputShape();

    int[] outputShape();

    /** Short description for tables, e.g. "3x3 stride 1 SAME, 32 filters, RELU". */
    String describe();

    /** The same op producing a tensor with another name that stands for another layer's output. */
    Op renamed(String name, int layer);
}
