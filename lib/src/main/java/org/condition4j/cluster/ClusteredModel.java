package org.condition4j.cluster;

import org.condition4j.model.Training;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * A network whose clustered kernels hold at most K distinct values each (K per output channel
 * with {@link ClusteringConfig#withClustersPerChannel()}), ready for cluster-preserving fine-tuning:
 *
 * <pre>{@code
 * ClusteredModel clustered = Clustering.cluster(baseline, ClusteringConfig.of(16, CentroidInit.LINEAR));
 * Training.of(clustered.network()).withListeners(clustered.listeners()).fit(train, test, 1);
 * MultiLayerNetwork stripped = clustered.strip();
 * }</pre>
 *
 * <p>During fine-tuning the network's kernels always hold centroid values, so the forward and
 * backward passes (and any evaluation) see the clustered model. After each training step the
 * {@linkplain #listeners() listener} reads the optimizer's update of every clustered weight off
 * the network, adds it to the weight's shadow (float) value, moves each centroid by the
 * <em>mean</em> of its members' updates and writes the centroids back. The mean, not the sum:
 * the updates are already optimizer steps (Adam's are about one learning rate each, whatever the
 * gradient's size), so their sum would grow with the cluster's size (thousands of weights) and
 * throw the centroid far off, while their mean is the step of the cluster's average weight. It
 * also keeps every centroid at the mean of its members' shadow values, i.e. a k-means state of the
 * weights that training would have produced.
 *
 * <p>Every {@link ClusteringConfig#reassignInterval()} steps (default: every step, as
 * TensorFlow Model Optimization does) each weight is re-assigned to the centroid nearest to its
 * shadow value and each centroid moves to the mean of its members (one k-means step). That keeps
 * weights whose shadow value drifted into a neighbouring cluster from being held at the wrong
 * centroid, and it is cheap: the whole listener, re-assignment included, costs 1 to 2 % of a
 * seed-CNN training step (measured by {@code ClusteringBenchmark} in the tests).
 */
public final class ClusteredModel {
    private final MultiLayerNetwork network;
    private final List<ClusteredKernel> kernels;
    private final ClusteringConfig config;
    private final ClusterPreserver preserver = new ClusterPreserver();

    ClusteredModel(MultiLayerNetwork network, List<ClusteredKernel> kernels, ClusteringConfig config) {
        this.network = network;
        this.kernels = List.copyOf(kernels);
        this.config = config;
        for (ClusteredKernel kernel : kernels) {
            kernel.kernel.write(network, kernel.clusteredValues());
        }
    }

    /** The network to fine-tune and evaluate; its clustered kernels hold centroid values. */
    public MultiLayerNetwork network() {
        return network;
    }

    /** The listener that keeps {@link #network()} clustered while it trains; pass it to {@link Training}. */
    public List<TrainingListener> listeners() {
        return List.of(preserver);
    }

    /** {@code Training.of(network()).withListeners(listeners())}: fine-tuning that preserves the clusters. */
    public Training training() {
        return Training.of(network).withListeners(listeners());
    }

    public ClusteringConfig config() {
        return config;
    }

    /**
     * A plain copy of the network with every clustered weight set to its centroid: no listeners,
     * nothing of the clustering machinery, ready for export. Later training of either network
     * does not affect the other.
     */
    public MultiLayerNetwork strip() {
        MultiLayerNetwork plain = network.clone();
        for (ClusteredKernel kernel : kernels) {
            kernel.kernel.write(plain, kernel.clusteredValues());
        }
        plain.setListeners();
        return plain;
    }

    /**
     * One row per clustered kernel: layer, name, type, param, weights, K, whether K applies per
     * layer or per output channel, distinct values the network holds now, k-means iterations (the
     * most any group needed), whether k-means converged, and the mean squared distance between
     * the shadow weights and their centroids, and how many weights the fixed zero centroid holds
     * (0 unless {@link ClusteringConfig#withSparsityPreserved()}).
     */
    public Table summary() {
        IntColumn layer = IntColumn.create("layer");
        StringColumn name = StringColumn.create("name");
        StringColumn type = StringColumn.create("type");
        StringColumn param = StringColumn.create("param");
        IntColumn weights = IntColumn.create("weights");
        IntColumn k = IntColumn.create("K");
        StringColumn per = StringColumn.create("K per");
        IntColumn distinct = IntColumn.create("distinct values");
        IntColumn iterations = IntColumn.create("k-means iterations");
        BooleanColumn converged = BooleanColumn.create("converged");
        DoubleColumn error = DoubleColumn.create("mean squared error");
        IntColumn zeros = IntColumn.create("fixed zeros");
        for (ClusteredKernel kernel : kernels) {
            float[] values = kernel.kernel.read(network);
            layer.append(kernel.kernel.layerIndex());
            name.append(kernel.kernel.layerName());
            type.append(kernel.kernel.layerType());
            param.append(kernel.kernel.param());
            weights.append(values.length);
            k.append(kernel.clusters);
            per.append(kernel.perChannel ? "output channel" : "layer");
            distinct.append(ClusterStatistics.distinct(values));
            iterations.append(kernel.kMeansIterations());
            converged.append(kernel.converged());
            error.append(kernel.meanSquaredError());
            zeros.append(kernel.pinnedZeros());
        }
        return Table.create("Clustered layers", layer, name, type, param, weights, k, per, distinct, iterations,
                converged, error, zeros);
    }

    /**
     * Every centroid: layer, name, param, output channel (empty when K applies to the whole
     * kernel), cluster number (ascending value within its group after k-means; with
     * {@link ClusteringConfig#withSparsityPreserved()} cluster 0 is the fixed zero, and a group
     * with fewer non-zero weights than K - 1 has fewer clusters), value and how many weights it holds.
     */
    public Table centroids() {
        IntColumn layer = IntColumn.create("layer");
        StringColumn name = StringColumn.create("name");
        StringColumn param = StringColumn.create("param");
        IntColumn channel = IntColumn.create("channel");
        IntColumn cluster = IntColumn.create("cluster");
        DoubleColumn value = DoubleColumn.create("centroid");
        IntColumn members = IntColumn.create("weights");
        for (ClusteredKernel kernel : kernels) {
            for (int g = 0; g < kernel.groupCount(); g++) {
                for (int j = 0; j < kernel.centroidsUsed(g); j++) {
                    layer.append(kernel.kernel.layerIndex());
                    name.append(kernel.kernel.layerName());
                    param.append(kernel.kernel.param());
                    if (kernel.perChannel) {
                        channel.append(g);
                    } else {
                        channel.appendMissing();
                    }
                    cluster.append(j);
                    value.append((float) kernel.centroid(g, j));
                    members.append(kernel.members(g, j));
                }
            }
        }
        return Table.create("Centroids", layer, name, param, channel, cluster, value, members);
    }

    @Override
    public String toString() {
        return "ClusteredModel[" + kernels.size() + " kernels: " + config + "]";
    }

    /** After every training step: shadow weights and centroids take the step, the network gets the centroids. */
    private final class ClusterPreserver extends BaseTrainingListener {
        private long steps;

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            if (model != network) {
                throw new IllegalStateException("The clustering listener belongs to the network of its ClusteredModel; "
                        + "train clustered.network() with clustered.listeners(), not another network");
            }
            steps++;
            boolean reassign = config.reassignInterval() > 0 && steps % config.reassignInterval() == 0;
            for (ClusteredKernel kernel : kernels) {
                kernel.kernel.write(network, kernel.afterStep(kernel.kernel.read(network), reassign));
            }
        }
    }
}
