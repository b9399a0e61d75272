package org.condition4j.cluster;

import org.condition4j.model.Backend;
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
 * The int8 export quantizes each kernel symmetrically per output channel c:
 * {@code q = round(w / s_c)} with {@code s_c = max|w in c| / 127}. Within one channel that is a
 * function of the float value, so a channel never holds more distinct int8 values than distinct
 * floats (two centroids closer than about one step {@code s_c} may even merge). Hence:
 * <ul>
 *   <li><b>Per-layer clustering</b> (the default): at most K distinct floats per kernel, so at
 *       most K distinct int8 values <em>per output channel</em>. <em>Not</em> at most K per
 *       kernel in int8: the channels have different scales, so one centroid becomes different
 *       integers in different channels. Because {@code s_c} is set by the channel's largest
 *       centroid magnitude, there are at most as many distinct scales as distinct centroid
 *       magnitudes (at most K), and the kernel holds at most {@code min(255, K x S)} int8 values
 *       where S is the number of distinct channel scales. Only channels that share their
 *       largest-magnitude centroid share their integers, so the kernel stays at K int8 values only
 *       when S = 1 (as in an untrained, uniformly initialised network, where every channel
 *       reaches the extreme centroids). Moreover a channel whose weights lie in a narrow range uses
 *       only the few shared centroids inside it.</li>
 *   <li><b>Per-channel clustering</b> ({@link ClusteringConfig#perChannel()}): at most K floats
 *       per output channel (up to K times the channels per kernel), so again at most K int8 values
 *       per channel, and never K per kernel. Each channel places its K centroids within its own
 *       range, which is exactly the range its int8 scale covers: its largest-magnitude centroid
 *       becomes exactly +-127 and its K levels spread over the channel's whole integer range, where
 *       they stay distinct unless two are closer than one step. Every channel keeps K levels of its
 *       own instead of the few shared ones that fall into its range, so per-channel clustering
 *       loses less to clustering and survives per-channel int8 quantization better.</li>
 * </ul>
 * In both cases, then, the guarantee that holds in the int8 file is "at most K distinct values
 * per output channel"; "at most K per layer" holds only for the float weights of per-layer
 * clustering.
 */
public final class Clustering {
    private Clustering() {}

    /**
     * A clustered copy of {@code net} (which itself is left unchanged): every clusterable layer
     * chosen by {@code config} has its kernel replaced by its centroids.
     *
     * @throws IllegalArgumentException if the configuration names a layer that does not exist or
     *                                  cannot be clustered, if K is larger than a layer's weights
     *                                  (per channel with {@link ClusteringConfig#perChannel()}), or if
     *                                  a chosen layer has weight constraints (they would move the
     *                                  weights off the centroids after every step)
     */
    public static ClusteredModel cluster(MultiLayerNetwork net, ClusteringConfig config) {
        Backend.start();
        Map<Integer, Integer> plan = config.plan(net);
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("Nothing to cluster: the network has no clusterable layer left "
                    + "(convolution, depthwise, separable, dense or output) after the configuration " + config);
        }
        MultiLayerNetwork copy = net.clone();
        List<ClusteredKernel> kernels = new ArrayList<>();
        for (Map.Entry<Integer, Integer> layer : plan.entrySet()) {
            requireNoConstraints(copy, layer.getKey());
            for (Kernel kernel : Kernel.of(copy, layer.getKey())) {
                kernels.add(ClusteredKernel.cluster(kernel, kernel.read(copy), layer.getValue(), config));
            }
        }
        return new ClusteredModel(copy, kernels, config);
    }

    /** {@link #cluster(MultiLayerNetwork, ClusteringConfig)} with {@link ClusteringConfig#defaults()}. */
    public static ClusteredModel cluster(MultiLayerNetwork net) {
        return cluster(net, ClusteringConfig.defaults());
    }

    private static void requireNoConstraints(MultiLayerNetwork net, int index) {
        Layer conf = net.getLayer(index).conf().getLayer();
        if (conf.getConstraints() != null && !conf.getConstraints().isEmpty()) {
            throw new IllegalArgumentException(Kernel.describe(net, index) + " has weight constraints "
                    + conf.getConstraints() + ", which DL4J applies after every step and which would move the "
                    + "weights off their centroids; remove them or skip this layer (ClusteringConfig.skip("
                    + index + "))");
        }
    }
}
