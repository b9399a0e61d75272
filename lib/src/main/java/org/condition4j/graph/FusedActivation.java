package org.condition4j.graph;

/**
 * The activations an exported convolution or dense op can carry inside it. TFLite applies them
 * as part of the op (as a clamp in int8), so they never become ops of their own.
 */
public enum FusedActivation {
    NONE {
        @Override
        public float apply(float x) {
            return x;
        }
    },
    RELU {
        @Override
        public float apply(float x) {
            return Math.max(0f, x);
        }
    },
    RELU6 {
        @Override
        public float apply(float x) {
            return Math.min(6f, Math.max(0f, x));
        }
    };

    public abstract float apply(float x);
}
