package org.condition4j.cluster;

import java.util.Arrays;
import java.util.Random;

/**
 * The clustering state of one kernel: its groups (the whole kernel, or one group per output
 * channel), K centroids per group, the cluster of every weight and the shadow weights that
 * fine-tuning trains. The network always holds the clustered values (each weight's centroid);
 * the shadow weights are what the weights would have become without clustering, and decide the
 * assignments.
 *
 * <p>With {@link ClusteringConfig#withSparsityPreserved()} centroid 0 of every group is fixed at
 * exactly zero and holds exactly the weights that were zero when clustering started (the pruning
 * mask); they never leave it, and no other weight joins it. The other K - 1 centroids cluster
 * the non-zero weights (fewer when a group has fewer non-zero weights).
 */
final class ClusteredKernel {
    final Kernel kernel;
    final int clusters;
    final boolean perChannel;
    final boolean preserveSparsity;
    /** Weight indices of each group. */
    private final int[][] groups;
    /** The weights of each group that k-means clusters: all of them, or the non-zero ones when zeros are kept. */
    private final int[][] free;
    /** How many centroids of each group cluster {@link #free} weights. */
    private final int[] freeCentroids;
    /** K centroids per group: cluster {@code g * K + j} is centroid j of group g. */
    private final double[] centroids;
    /** The cluster (as above) of every weight. */
    private final int[] clusterOf;
    /** Weights held at zero by the fixed zero centroid. */
    private final boolean[] pinned;
    private final double[] shadow;
    /** The values last written into the network, so that a training step's update can be read off. */
    private float[] written;
    private final int kMeansIterations;
    private final boolean converged;

    private ClusteredKernel(Kernel kernel, int clusters, ClusteringConfig config, int[][] groups, int[][] free,
                            int[] freeCentroids, double[] centroids, int[] clusterOf, boolean[] pinned,
                            double[] shadow, int kMeansIterations, boolean converged) {
        this.kernel = kernel;
        this.clusters = clusters;
        this.perChannel = config.perChannel();
        this.preserveSparsity = config.preservesSparsity();
        this.groups = groups;
        this.free = free;
        this.freeCentroids = freeCentroids;
        this.centroids = centroids;
        this.clusterOf = clusterOf;
        this.pinned = pinned;
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
        boolean[] pinned = new boolean[weights.length];
        for (int i = 0; i < weights.length; i++) {
            shadow[i] = weights[i];
            pinned[i] = config.preservesSparsity() && weights[i] == 0;
        }
        int offset = config.preservesSparsity() ? 1 : 0; // slot 0 is the fixed zero centroid
        int[][] free = new int[groups.length][];
        int[] freeCentroids = new int[groups.length];
        double[] centroids = new double[groups.length * clusters];
        int[] clusterOf = new int[weights.length];
        int iterations = 0;
        boolean converged = true;
        for (int g = 0; g < groups.length; g++) {
            free[g] = Arrays.stream(groups[g]).filter(i -> !pinned[i]).toArray();
            for (int i : groups[g]) {
                clusterOf[i] = g * clusters; // the zero centroid for pinned weights; overwritten for the others
            }
            double[] values = gather(shadow, free[g]);
            freeCentroids[g] = Math.min(clusters - offset, values.length);
            if (freeCentroids[g] == 0) {
                continue;
            }
            double[] initial = freeCentroids[g] == 1 ? new double[] {Arrays.stream(values).average().orElseThrow()}
                    : config.init().centroids(values, freeCentroids[g], random);
            KMeans.Result result = KMeans.fit(values, initial, config.maxIterations());
            System.arraycopy(result.centroids(), 0, centroids, g * clusters + offset, freeCentroids[g]);
            for (int m = 0; m < free[g].length; m++) {
                clusterOf[free[g][m]] = g * clusters + offset + result.assignments()[m];
            }
            iterations = Math.max(iterations, result.iterations());
            converged &= result.converged() || config.maxIterations() == 0;
        }
        return new ClusteredKernel(kernel, clusters, config, groups, free, freeCentroids, centroids, clusterOf,
                pinned, shadow, iterations, converged);
    }

    /**
     * Takes over the clusters {@code weights} already have (a network clustered and stripped
     * before): each distinct value of a group becomes a centroid holding the weights of that value,
     * with zeros on the fixed zero centroid when zeros are kept. Nothing moves.
     *
     * @throws IllegalArgumentException if a group holds more distinct values than K allows
     */
    static ClusteredKernel keep(Kernel kernel, float[] weights, int clusters, ClusteringConfig config) {
        boolean perChannel = config.perChannel();
        int[][] groups = perChannel ? channelGroups(kernel) : new int[][] {allIndices(weights.length)};
        double[] shadow = new double[weights.length];
        boolean[] pinned = new boolean[weights.length];
        for (int i = 0; i < weights.length; i++) {
            shadow[i] = weights[i];
            pinned[i] = config.preservesSparsity() && weights[i] == 0;
        }
        int offset = config.preservesSparsity() ? 1 : 0;
        int[][] free = new int[groups.length][];
        int[] freeCentroids = new int[groups.length];
        double[] centroids = new double[groups.length * clusters];
        int[] clusterOf = new int[weights.length];
        for (int g = 0; g < groups.length; g++) {
            free[g] = Arrays.stream(groups[g]).filter(i -> !pinned[i]).toArray();
            double[] values = Arrays.stream(gather(shadow, free[g])).distinct().sorted().toArray();
            if (values.length > clusters - offset) {
                throw new IllegalArgumentException(kernel.describe() + " holds " + values.length + " distinct "
                        + (offset == 1 ? "non-zero " : "") + "values" + (perChannel ? " in output channel " + g : "")
                        + ", more than the " + (clusters - offset) + " that K=" + clusters
                        + (offset == 1 ? " with its fixed zero" : "") + " allows; cluster the network first "
                        + "(Clustering.cluster) or keep its clusters with a larger K");
            }
            freeCentroids[g] = values.length;
            System.arraycopy(values, 0, centroids, g * clusters + offset, values.length);
            for (int i : groups[g]) {
                clusterOf[i] = pinned[i] ? g * clusters
                        : g * clusters + offset + Arrays.binarySearch(values, shadow[i]);
            }
        }
        return new ClusteredKernel(kernel, clusters, config, groups, free, freeCentroids, centroids, clusterOf,
                pinned, shadow, 0, true);
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
            if (pinned[i]) {
                continue; // held at zero whatever the optimizer (Adam's momentum included) does to it
            }
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
        int offset = preserveSparsity ? 1 : 0;
        for (int g = 0; g < groups.length; g++) {
            if (freeCentroids[g] == 0) {
                continue;
            }
            int first = g * clusters + offset;
            double[] values = gather(shadow, free[g]);
            double[] groupCentroids = Arrays.copyOfRange(centroids, first, first + freeCentroids[g]);
            Arrays.sort(groupCentroids);
            int[] assignments = new int[values.length];
            KMeans.assign(values, groupCentroids, assignments);
            KMeans.moveToMeans(values, assignments, groupCentroids);
            System.arraycopy(groupCentroids, 0, centroids, first, groupCentroids.length);
            for (int m = 0; m < values.length; m++) {
                clusterOf[free[g][m]] = first + assignments[m];
            }
        }
    }

    int groupCount() {
        return groups.length;
    }

    /** How many centroids group g uses: K, or fewer when zeros are kept and few weights are non-zero. */
    int centroidsUsed(int group) {
        return freeCentroids[group] + (preserveSparsity ? 1 : 0);
    }

    /** How many weights the fixed zero centroid holds (none unless zeros are kept). */
    int pinnedZeros() {
        int count = 0;
        for (boolean p : pinned) {
            if (p) {
                count++;
            }
        }
        return count;
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
