package org.condition4j.cluster;

import java.util.Arrays;
import java.util.Random;

/**
 * The clustering state of one kernel: its groups (the whole kernel, or one group per output
 * channel), K centroids per group, the cluster of every weight and the shadow weights that
 * fine-tuning trains. The network always holds the clustered values (each weight's centroid);
 * the shadow weights are what the weights would have become without clustering, and decide the
 * assignments.
 */
final class ClusteredKernel {
    final Kernel kernel;
    final int clusters;
    final boolean perChannel;
    /** Weight indices of each group. */
    private final int[][] groups;
    /** K centroids per group: cluster {@code g * K + j} is centroid j of group g. */
    private final double[] centroids;
    /** The cluster (as above) of every weight. */
    private final int[] clusterOf;
    private final double[] shadow;
    /** The values last written into the network, so that a training step's update can be read off. */
    private float[] written;
    private final int kMeansIterations;
    private final boolean converged;

    private ClusteredKernel(Kernel kernel, int clusters, boolean perChannel, int[][] groups, double[] centroids,
                            int[] clusterOf, double[] shadow, int kMeansIterations, boolean converged) {
        this.kernel = kernel;
        this.clusters = clusters;
        this.perChannel = perChannel;
        this.groups = groups;
        this.centroids = centroids;
        this.clusterOf = clusterOf;
        this.shadow = shadow;
        this.kMeansIterations = kMeansIterations;
        this.converged = converged;
        this.written = clusteredValues();
    }

    /**
     * Initialises centroids for {@code weights} (the kernel's current values) and runs k-means in
     * each group.
     */
    static ClusteredKernel cluster(Kernel kernel, float[] weights, int clusters, ClusteringConfig config) {
        boolean perChannel = config.perChannel();
        int[][] groups = perChannel ? channelGroups(kernel) : new int[][] {allIndices(weights.length)};
        int smallest = Arrays.stream(groups).mapToInt(g -> g.length).min().orElse(0);
        if (clusters > smallest) {
            throw new IllegalArgumentException("K=" + clusters + " is invalid for " + kernel.describe() + ": its "
                    + kernel.param() + " has only " + smallest + " weights"
                    + (perChannel ? " per output channel" : "") + ", and K must not exceed that; choose K <= "
                    + smallest + " for this layer (ClusteringConfig.layer(" + kernel.layerIndex() + ", K))"
                    + " or skip it (ClusteringConfig.skip(" + kernel.layerIndex() + "))");
        }
        Random random = new Random(config.seed() * 31 + kernel.layerIndex() * 7919L + kernel.param().hashCode());
        double[] shadow = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            shadow[i] = weights[i];
        }
        double[] centroids = new double[groups.length * clusters];
        int[] clusterOf = new int[weights.length];
        int iterations = 0;
        boolean converged = true;
        for (int g = 0; g < groups.length; g++) {
            double[] values = gather(shadow, groups[g]);
            double[] initial = config.init().centroids(values, clusters, random);
            KMeans.Result result = KMeans.fit(values, initial, config.maxIterations());
            System.arraycopy(result.centroids(), 0, centroids, g * clusters, clusters);
            for (int m = 0; m < groups[g].length; m++) {
                clusterOf[groups[g][m]] = g * clusters + result.assignments()[m];
            }
            iterations = Math.max(iterations, result.iterations());
            converged &= result.converged() || config.maxIterations() == 0;
        }
        return new ClusteredKernel(kernel, clusters, perChannel, groups, centroids, clusterOf, shadow, iterations,
                converged);
    }

    /** Each weight's centroid, as the network holds it. */
    float[] clusteredValues() {
        float[] values = new float[clusterOf.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) centroids[clusterOf[i]];
        }
        return values;
    }

    /**
     * Takes in one training step. {@code current} is the kernel after the optimizer's update, so
     * {@code current - written} is each weight's update (Adam's step, regularization included).
     * Every shadow weight takes its own update; every centroid moves by the mean of its members'
     * updates. With {@code reassign}, each weight then goes to the centroid nearest to its shadow
     * value and each centroid to the mean of its members' shadow values (one k-means step).
     *
     * @return the values to write back into the network
     */
    float[] afterStep(float[] current, boolean reassign) {
        double[] updateSums = new double[centroids.length];
        int[] members = new int[centroids.length];
        for (int i = 0; i < current.length; i++) {
            double update = (double) current[i] - written[i];
            shadow[i] += update;
            updateSums[clusterOf[i]] += update;
            members[clusterOf[i]]++;
        }
        for (int c = 0; c < centroids.length; c++) {
            if (members[c] > 0) {
                centroids[c] += updateSums[c] / members[c];
            }
        }
        if (reassign) {
            reassign();
        }
        written = clusteredValues();
        return written;
    }

    private void reassign() {
        for (int g = 0; g < groups.length; g++) {
            double[] values = gather(shadow, groups[g]);
            double[] groupCentroids = Arrays.copyOfRange(centroids, g * clusters, (g + 1) * clusters);
            Arrays.sort(groupCentroids);
            int[] assignments = new int[values.length];
            KMeans.assign(values, groupCentroids, assignments);
            KMeans.moveToMeans(values, assignments, groupCentroids);
            System.arraycopy(groupCentroids, 0, centroids, g * clusters, clusters);
            for (int m = 0; m < values.length; m++) {
                clusterOf[groups[g][m]] = g * clusters + assignments[m];
            }
        }
    }

    int groupCount() {
        return groups.length;
    }

    /** Centroid j of group g. */
    double centroid(int group, int j) {
        return centroids[group * clusters + j];
    }

    /** How many weights centroid j of group g holds. */
    int members(int group, int j) {
        int cluster = group * clusters + j;
        int count = 0;
        for (int weight : groups[group]) {
            if (clusterOf[weight] == cluster) {
                count++;
            }
        }
        return count;
    }

    int kMeansIterations() {
        return kMeansIterations;
    }

    boolean converged() {
        return converged;
    }

    /** Mean squared distance between the shadow weights and their centroids. */
    double meanSquaredError() {
        double sum = 0;
        for (int i = 0; i < shadow.length; i++) {
            double d = shadow[i] - centroids[clusterOf[i]];
            sum += d * d;
        }
        return sum / shadow.length;
    }

    private static int[][] channelGroups(Kernel kernel) {
        int[] channelOf = kernel.channelOfEach();
        int[] sizes = new int[kernel.channels()];
        for (int c : channelOf) {
            sizes[c]++;
        }
        int[][] groups = new int[sizes.length][];
        for (int c = 0; c < sizes.length; c++) {
            groups[c] = new int[sizes[c]];
        }
        int[] filled = new int[sizes.length];
        for (int i = 0; i < channelOf.length; i++) {
            groups[channelOf[i]][filled[channelOf[i]]++] = i;
        }
        return groups;
    }

    private static int[] allIndices(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    private static double[] gather(double[] values, int[] indices) {
        double[] out = new double[indices.length];
        for (int m = 0; m < indices.length; m++) {
            out[m] = values[indices[m]];
        }
        return out;
    }
}
