package org.condition4j.graph;

import org.condition4j.layers.TfliteWeights;

/** A dense layer on a flat input [1, in]; weights [out, in]. */
public record FullyConnected(String name, int layer, int[] inputShape, int[] outputShape,
                             float[] weights, float[] bias, FusedActivation activation) implements WeightedOp {

    @Override
    public int[] weightShape() {
        return new int[] {outputShape[1], inputShape[1]};
    }

    @Override
    public int channelAxis() {
        return TfliteWeights.FULLY_CONNECTED.outputChannelAxis();
    }

    @Override
    public FullyConnected with(float[] weights, float[] bias, FusedActivation activation, String name, int layer) {
        return new FullyConnected(name, layer, inputShape, outputShape, weights, bias, activation);
    }

    @Override
    public String describe() {
        return inputShape[1] + " -> " + outputShape[1] + ", " + activation;
    }
}
