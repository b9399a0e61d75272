package org.condition4j.prune;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How many weights of each prunable layer are exactly zero. Works on any network: one being
 * pruned, a stripped one, or the dense baseline (where it shows how few zeros training alone
 * leaves).
 */
public final class SparsityStats {

    /**
     * One weight tensor: {@code parameter} is DL4J's name ("W"; a separable convolution also has
     * its pointwise kernel "pW"); {@code target} is the sparsity its pruning mask was computed for,
     * {@code NaN} where the tensor is not pruned (or not yet).
     */
    public record Row(int layer, String name, String type, String parameter, long weights, long zeros,
                      double target) {
        public double sparsity() {
            return weights == 0 ? 0 : (double) zeros / weights;
        }
    }

    private final List<Row> rows;

    private SparsityStats(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Zeros in every prunable weight tensor of {@code net}. */
    public static SparsityStats of(MultiLayerNetwork net) {
        return of(net, Map.of());
    }

    static SparsityStats of(MultiLayerNetwork net, Map<PrunableWeight, Double> targets) {
        List<Row> rows = new ArrayList<>();
        for (PrunableWeight w : PrunableWeight.of(net)) {
            INDArray values = w.values(net);
            long zeros = countZeros(values);
            rows.add(new Row(w.layerIndex(), w.layerName(), w.layerType(), w.parameter(), values.length(), zeros,
                    targets.getOrDefault(w, Double.NaN)));
        }
        return new SparsityStats(rows);
    }

    /** The magnitude of every prunable weight of {@code net}, for a histogram of what pruning removes. */
    public static double[] magnitudes(MultiLayerNetwork net) {
        return PrunableWeight.of(net).stream()
                .flatMapToDouble(w -> java.util.Arrays.stream(w.values(net).dup('c').reshape(-1).toDoubleVector()))
                .map(Math::abs)
                .toArray();
    }

    /** Exact zeros (a pruned weight is exactly 0, not merely small). */
    static long countZeros(INDArray values) {
        long zeros = 0;
        for (double v : values.dup('c').reshape(values.length()).toDoubleVector()) {
            if (v == 0) {
                zeros++;
            }
        }
        return zeros;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The row of layer {@code index}'s kernel {@code parameter} ("W" for most layers). */
    public Row row(int layer, String parameter) {
        return rows.stream().filter(r -> r.layer == layer && r.parameter.equals(parameter)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Layer " + layer + " has no prunable parameter '"
                        + parameter + "'; rows: " + rows));
    }

    public long weights() {
        return rows.stream().mapToLong(Row::weights).sum();
    }

    public long zeros() {
        return rows.stream().mapToLong(Row::zeros).sum();
    }

    /** Zeros over all prunable weights together. */
    public double overall() {
        long weights = weights();
        return weights == 0 ? 0 : (double) zeros() / weights;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Row r : rows) {
            text.append(r).append('\n');
        }
        return text.append(String.format(java.util.Locale.ROOT, "all prunable: %d of %d weights zero (%.4f)",
                zeros(), weights(), overall())).toString();
    }
}
