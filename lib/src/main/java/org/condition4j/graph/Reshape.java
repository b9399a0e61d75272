package org.condition4j.graph;

import java.util.Arrays;

/** Pure data movement: the same values in row-major order under a new shape. */
public record Reshape(String name, int layer, int[] inputShape, int[] outputShape) implements Op {

    @Override
    public Reshape renamed(String name, int layer) {
        return new Reshape(name, layer, inputShape, outputShape);
    }

    @Override
    public String describe() {
        return Arrays.toString(inputShape) + " -> " + Arrays.toString(outputShape);
    }
}
