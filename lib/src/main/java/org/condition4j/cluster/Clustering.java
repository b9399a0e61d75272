package org.condition4j.cluster;

import org.condition4j.layers.LayerRegistry;
import org.condition4j.backend.Backend;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Weight clustering (weight sharing): the kernel of every chosen layer is reduced to K shared
 * values. Centroids start from a {@link CentroidInit}, k-means refines them, every weight takes
 * its nearest centroid, and cluster-preserving fine-tuning ({@link ClusteredModel}) recovers the
 * accuracy. Biases are never clustered.
 *
 * <pre>{@code
 * ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(16, CentroidInit.LINEAR));
 * clustered.training().fit(train, test, 1);
 * MultiLayerNetwork stripped = clustered.strip();
 * }</pre>
 *
 * <h2>What survives int8 quantization</h2>
 * The int8 export ({@link org.condition4j.quantize.Int8Scheme}) quantizes weights symmetrically,
 * {@code q = round(w / s)} with {@code s = max|w| / 127}, where the maximum is taken per output
 * channel for convolutions and depthwise convolutions and over the whole matrix for dense layers
 * (TFLite 2.6's int8 FULLY_CONNECTED reads one weight scale). Within one scale group the
 * quantization is a function of the float value, so it never creates distinct values (it can
 * merge two centroids closer than about one step {@code s}). Hence, in the int8 file:
 * <ul>
 *   <li><b>At most K distinct int8 values per output channel</b>, for every clustered layer,
 *       with per-layer and with per-channel clustering alike. This is the guarantee that always
 *       holds, and it survives batch-norm folding too (which scales each output channel).</li>
 *   <li><b>Per-layer clustering</b> (the default) keeps at most K float values per kernel. A
 *       dense layer (one scale) therefore keeps at most K int8 values in the whole matrix. A
 *       convolution does <em>not</em>: its channels have different scales, so one centroid becomes
 *       different integers in different channels. A channel's scale is its largest centroid
 *       magnitude / 127, so there are at most K distinct scales S, and the kernel holds at most
 *       {@code min(255, K x S)} int8 values; only when all channels share their largest-magnitude
 *       centroid (S = 1, as in an untrained, uniformly initialised network) does it stay at K.
 *       Also, a channel whose weights span a narrow range uses only the few shared centroids that
 *       fall inside it.</li>
 *   <li><b>Per-channel clustering</b> ({@link ClusteringConfig#withClustersPerChannel()}) keeps K float values
 *       per output channel, up to K times the channels per kernel, so "at most K" holds per channel
 *       only, in float and in int8. For a convolution, each channel places its K centroids within
 *       its own range, which is exactly what its int8 scale covers: its largest-magnitude
 *       centroid becomes +-127 and its K levels spread over the channel's whole integer range
 *       instead of a channel using only the few shared levels inside its range. That is why it
 *       survives per-channel int8 quantization with less loss.</li>
 * </ul>
 * "At most K per layer" in int8 thus holds for dense layers clustered per layer (and for a
 * convolution only when S = 1); "at most K per output channel" holds everywhere.
 */
public final class Clustering {
    private Clustering() {}

    /**
     * A clustered copy of {@code net} (which itself is left unchanged): every clusterable layer
     * chosen by {@code config} has its kernel replaced by its centroids.
     *
     * @throws IllegalArgumentException if the configuration names a layer that does not exist or
     *                                  cannot be clustered, if K is larger than a layer's weights
     *                                  (per channel with {@link ClusteringConfig#withClustersPerChannel()}), or if
     *                                  a chosen layer has weight constraints (they would move the
     *                                  weights off the centroids after every step)
     */
    public static ClusteredModel cluster(MultiLayerNetwork net, ClusteringConfig config) {
        return cluster(net, config, true);
    }

    /**
     * As {@link #cluster(MultiLayerNetwork, ClusteringConfig)}, but clusters {@code net} itself
     * instead of a copy: for a network that another technique (e.g. pruning) is already
     * fine-tuning, so that both techniques' listeners train it together.
     */
    public static ClusteredModel clusterInPlace(MultiLayerNetwork net, ClusteringConfig config) {
        return cluster(net, config, false);
    }

    /**
     * Keeps the clusters {@code net} already holds while another technique trains it, e.g.
     * quantization-aware training of a clustered (and pruned) network: in every clustered layer
     * (or output channel) each distinct value becomes a centroid holding the weights of that
     * value, and {@link ClusteredModel#listeners()} then trains the centroids as in
     * cluster-preserving fine-tuning. With {@link ClusteringConfig#withSparsityPreserved()} the zeros
     * sit on the fixed zero centroid; with {@link ClusteringConfig#withFixedAssignments()} no weight
     * ever changes cluster. Works on {@code net} itself.
     *
     * @throws IllegalArgumentException if a layer holds more distinct values than the configuration's
     *                                  K for it allows (the network was not clustered with it)
     */
    public static ClusteredModel keepInPlace(MultiLayerNetwork net, ClusteringConfig config) {
        return build(net, config, false, true);
    }

    private static ClusteredModel cluster(MultiLayerNetwork net, ClusteringConfig config, boolean copy) {
        return build(net, config, copy, false);
    }

    private static ClusteredModel build(MultiLayerNetwork net, ClusteringConfig config, boolean copy, boolean keep) {
        Backend.start();
        Map<Integer, Integer> plan = config.plan(net);
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("Nothing to cluster: the network has no clusterable layer left "
                    + "(convolution, depthwise, separable, dense or output) after the configuration " + config);
        }
        MultiLayerNetwork target = copy ? net.clone() : net;
        List<ClusteredKernel> kernels = new ArrayList<>();
        for (Map.Entry<Integer, Integer> layer : plan.entrySet()) {
            requireNoConstraints(target, layer.getKey());
            for (Kernel kernel : Kernel.of(target, layer.getKey())) {
                float[] weights = kernel.read(target);
                kernels.add(keep ? ClusteredKernel.keep(kernel, weights, layer.getValue(), config)
                        : ClusteredKernel.cluster(kernel, weights, layer.getValue(), config));
            }
        }
        return new ClusteredModel(target, kernels, config);
    }

    /** {@link #cluster(MultiLayerNetwork, ClusteringConfig)} with {@link ClusteringConfig#defaults()}. */
    public static ClusteredModel cluster(MultiLayerNetwork net) {
        return cluster(net, ClusteringConfig.defaults());
    }

    private static void requireNoConstraints(MultiLayerNetwork net, int index) {
        Layer conf = net.getLayer(index).conf().getLayer();
        if (conf.getConstraints() != null && !conf.getConstraints().isEmpty()) {
            throw new IllegalArgumentException(LayerRegistry.describe(net, index) + " has weight constraints "
                    + conf.getConstraints() + ", which DL4J applies after every step and which would move the "
                    + "weights off their centroids; remove them or skip this layer (ClusteringConfig.skip("
                    + index + "))");
        }
    }
}
