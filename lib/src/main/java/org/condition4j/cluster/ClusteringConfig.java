package org.condition4j.cluster;

import org.condition4j.layers.LayerRegistry;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * How to cluster a network: K shared values per kernel (or per output channel), where the
 * centroids start, how long k-means may run, how often fine-tuning refreshes the assignments,
 * and which layers take part. Immutable; every {@code with...}/{@code layer}/{@code skip}
 * returns a new configuration.
 *
 * <pre>{@code
 * ClusteringConfig.of(16, CentroidInit.LINEAR)        // every clusterable layer, 16 values each
 *         .layer("dense", 8)                          // but only 8 in the classifier
 *         .skip(0);                                   // and leave the first convolution alone
 * }</pre>
 */
public final class ClusteringConfig {
    public static final int DEFAULT_CLUSTERS = 16;
    public static final int DEFAULT_MAX_ITERATIONS = 300;
    public static final int DEFAULT_REASSIGN_EVERY = 1;
    public static final long DEFAULT_SEED = 42;

    /** A layer named by index or by name, as the user wrote it. */
    private record LayerRef(Integer index, String name) {
        @Override
        public String toString() {
            return index != null ? "layer " + index : "layer '" + name + "'";
        }
    }

    /** K for one layer, or {@code null} to leave it unclustered. */
    private record LayerRule(LayerRef layer, Integer clusters) {}

    private final int clusters;
    private final CentroidInit init;
    private final boolean perChannel;
    private final boolean preserveSparsity;
    private final long seed;
    private final int maxIterations;
    private final int reassignEvery;
    private final List<LayerRule> rules;

    private ClusteringConfig(int clusters, CentroidInit init, boolean perChannel, boolean preserveSparsity, long seed,
                             int maxIterations, int reassignEvery, List<LayerRule> rules) {
        this.clusters = clusters;
        this.init = init;
        this.perChannel = perChannel;
        this.preserveSparsity = preserveSparsity;
        this.seed = seed;
        this.maxIterations = maxIterations;
        this.reassignEvery = reassignEvery;
        this.rules = List.copyOf(rules);
    }

    /** {@code clusters} shared values in every clusterable layer, starting from {@code init}. */
    public static ClusteringConfig of(int clusters, CentroidInit init) {
        requireValidClusters(clusters, "every layer");
        return new ClusteringConfig(clusters, Objects.requireNonNull(init, "init"), false, false, DEFAULT_SEED,
                DEFAULT_MAX_ITERATIONS, DEFAULT_REASSIGN_EVERY, List.of());
    }

    /** 16 clusters per layer with linear initialisation, the setting of TensorFlow's clustering tutorial. */
    public static ClusteringConfig defaults() {
        return of(DEFAULT_CLUSTERS, CentroidInit.LINEAR);
    }

    /**
     * K shared values in each output channel instead of in the whole kernel (up to K times the
     * number of channels per layer). Every channel then spreads its own K values over its own
     * int8 scale; see {@link Clustering} for what that means after int8 quantization.
     */
    public ClusteringConfig withClustersPerChannel() {
        return new ClusteringConfig(clusters, init, true, preserveSparsity, seed, maxIterations, reassignEvery, rules);
    }

    /**
     * Sparsity-preserving clustering, for a pruned network: in every group (kernel or output
     * channel) one of the K centroids is fixed at exactly zero and holds exactly the weights that
     * are zero when clustering starts, for good: fine-tuning never moves them (whatever the
     * optimizer's momentum does) and no other weight joins them. The other K - 1 centroids
     * cluster the non-zero weights. So a layer pruned to 75 % stays at 75 %, and with its zero it
     * holds at most K distinct values.
     */
    public ClusteringConfig withSparsityPreserved() {
        return new ClusteringConfig(clusters, init, perChannel, true, seed, maxIterations, reassignEvery, rules);
    }

    /** The same configuration with centroids starting from {@code init}. */
    public ClusteringConfig withInit(CentroidInit init) {
        return new ClusteringConfig(clusters, Objects.requireNonNull(init, "init"), perChannel, preserveSparsity, seed, maxIterations,
                reassignEvery, rules);
    }

    /** Seed of the {@link CentroidInit#RANDOM} and {@link CentroidInit#KMEANS_PLUS_PLUS} draws. */
    public ClusteringConfig withSeed(long seed) {
        return new ClusteringConfig(clusters, init, perChannel, preserveSparsity, seed, maxIterations, reassignEvery, rules);
    }

    /**
     * Cap on k-means (Lloyd) iterations after the initialisation; 0 keeps the initial centroids as
     * they are, which is what TensorFlow Model Optimization does.
     */
    public ClusteringConfig withMaxIterations(int maxIterations) {
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations=" + maxIterations + " is invalid: it must be 0 or more");
        }
        return new ClusteringConfig(clusters, init, perChannel, preserveSparsity, seed, maxIterations, reassignEvery, rules);
    }

    /**
     * During fine-tuning, re-assign every weight to the nearest centroid of its shadow (float)
     * value every {@code iterations} training steps (default: every step).
     */
    public ClusteringConfig reassignEvery(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("reassignEvery=" + iterations
                    + " is invalid: give the number of training steps between re-assignments, at least 1");
        }
        return new ClusteringConfig(clusters, init, perChannel, preserveSparsity, seed, maxIterations, iterations, rules);
    }

    /**
     * No re-assignment during fine-tuning: every weight stays in the cluster it starts in and only
     * the centroids train (as in TensorFlow's cluster-preserving quantization-aware training).
     */
    public ClusteringConfig withFixedAssignments() {
        return new ClusteringConfig(clusters, init, perChannel, preserveSparsity, seed, maxIterations, 0, rules);
    }

    /** {@code clusters} shared values in layer {@code index} instead of the default K. */
    public ClusteringConfig layer(int index, int clusters) {
        LayerRef ref = new LayerRef(index, null);
        requireValidClusters(clusters, ref.toString());
        return withRule(new LayerRule(ref, clusters));
    }

    /** {@code clusters} shared values in the layer named {@code name} instead of the default K. */
    public ClusteringConfig layer(String name, int clusters) {
        LayerRef ref = new LayerRef(null, Objects.requireNonNull(name, "name"));
        requireValidClusters(clusters, ref.toString());
        return withRule(new LayerRule(ref, clusters));
    }

    /** Leaves layer {@code index} unclustered. */
    public ClusteringConfig skip(int index) {
        return withRule(new LayerRule(new LayerRef(index, null), null));
    }

    /** Leaves the layer named {@code name} unclustered. */
    public ClusteringConfig skip(String name) {
        return withRule(new LayerRule(new LayerRef(null, Objects.requireNonNull(name, "name")), null));
    }

    public int clusters() {
        return clusters;
    }

    public CentroidInit init() {
        return init;
    }

    public boolean perChannel() {
        return perChannel;
    }

    /** Whether zeros stay zero on a fixed zero centroid ({@link #withSparsityPreserved()}). */
    public boolean preservesSparsity() {
        return preserveSparsity;
    }

    public long seed() {
        return seed;
    }

    public int maxIterations() {
        return maxIterations;
    }

    /** Training steps between re-assignments; 0 with {@link #withFixedAssignments()} (never). */
    public int reassignInterval() {
        return reassignEvery;
    }

    /**
     * Which layers of {@code net} to cluster and with how many clusters, in layer order. The
     * per-layer rules apply in the order they were given, so a later rule for the same layer wins.
     *
     * @throws IllegalArgumentException if a rule names a layer that does not exist or has no
     *                                  kernel to cluster
     */
    Map<Integer, Integer> plan(MultiLayerNetwork net) {
        Map<Integer, Integer> plan = new LinkedHashMap<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            if (!Kernel.of(net, i).isEmpty()) {
                plan.put(i, clusters);
            }
        }
        for (LayerRule rule : rules) {
            int index = resolve(rule.layer(), net);
            if (Kernel.of(net, index).isEmpty()) {
                throw new IllegalArgumentException(rule.layer() + " is " + LayerRegistry.describe(net, index)
                        + ", which has no kernel weights to cluster; clusterable layers are "
                        + clusterableLayers(net));
            }
            if (rule.clusters() == null) {
                plan.remove(index);
            } else {
                plan.put(index, rule.clusters());
            }
        }
        Map<Integer, Integer> ordered = new LinkedHashMap<>();
        plan.keySet().stream().sorted().forEach(i -> ordered.put(i, plan.get(i)));
        return ordered;
    }

    private static int resolve(LayerRef ref, MultiLayerNetwork net) {
        if (ref.index() != null) {
            if (ref.index() < 0 || ref.index() >= net.getnLayers()) {
                throw new IllegalArgumentException("There is no " + ref + ": the network has layers 0.."
                        + (net.getnLayers() - 1) + "; clusterable layers are " + clusterableLayers(net));
            }
            return ref.index();
        }
        for (int i = 0; i < net.getnLayers(); i++) {
            if (ref.name().equals(Kernel.layerName(net, i))) {
                return i;
            }
        }
        StringJoiner names = new StringJoiner(", ");
        for (int i = 0; i < net.getnLayers(); i++) {
            names.add("'" + Kernel.layerName(net, i) + "'");
        }
        throw new IllegalArgumentException("There is no " + ref + " in the network; its layers are " + names);
    }

    private static String clusterableLayers(MultiLayerNetwork net) {
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            if (!Kernel.of(net, i).isEmpty()) {
                layers.add(i + " '" + Kernel.layerName(net, i) + "'");
            }
        }
        return layers.isEmpty() ? "none" : String.join(", ", layers);
    }

    private ClusteringConfig withRule(LayerRule rule) {
        List<LayerRule> more = new ArrayList<>(rules);
        more.add(rule);
        return new ClusteringConfig(clusters, init, perChannel, preserveSparsity, seed, maxIterations, reassignEvery, more);
    }

    private static void requireValidClusters(int clusters, String where) {
        if (clusters < 2) {
            throw new IllegalArgumentException("K=" + clusters + " clusters for " + where
                    + " is invalid: clustering needs at least 2 clusters (16 is the usual choice)");
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(clusters).append(perChannel ? " clusters per output channel" : " clusters per layer")
                .append(preserveSparsity ? " (one fixed at zero, keeping the zeros)" : "")
                .append(", ").append(init).append(" initialisation, k-means up to ").append(maxIterations)
                .append(" iterations, ").append(reassignEvery == 0 ? "assignments fixed"
                        : "re-assignment every " + (reassignEvery == 1 ? "step" : reassignEvery + " steps"));
        if (init == CentroidInit.RANDOM || init == CentroidInit.KMEANS_PLUS_PLUS) {
            text.append(", seed ").append(seed);
        }
        for (LayerRule rule : rules) {
            text.append("; ").append(rule.layer()).append(rule.clusters() == null ? ": skipped" : ": K=" + rule.clusters());
        }
        return text.toString();
    }
}
