package org.condition4j.graph;

/**
 * Max or average pooling. Padded positions never take part: a max ignores them and an average
 * divides by the number of real input pixels under the window (TFLite's rule).
 */
public record Pool2D(String name, int layer, int[] inputShape, int[] outputShape, Kind kind, Window window)
        implements Op {

    public enum Kind { MAX, AVERAGE }

    @Override
    public Pool2D renamed(String name, int layer) {
        return new Pool2D(name, layer, inputShape, outputShape, kind, window);
    }

    @Override
    public String describe() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + window;
    }
}
