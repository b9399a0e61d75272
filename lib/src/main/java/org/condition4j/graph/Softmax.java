package org.condition4j.graph;

/** Softmax over the last axis. */
public record Softmax(String name, int layer, int[] inputShape, int[] outputShape) implements Op {

    @Override
    public Softmax renamed(String name, int layer) {
        return new Softmax(name, layer, inputShape, outputShape);
    }

    @Override
    public String describe() {
        return "softmax over " + outputShape[outputShape.length - 1];
    }
}
