package org.condition4j.cluster;

import org.condition4j.model.Training;
import org.condition4j.quantize.Int8Scheme;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How many distinct values the kernels of any network hold, in float and after the project's
 * int8 weight quantization ({@link Int8Scheme}: symmetric, one scale per output channel for
 * convolutions, one scale for a whole dense matrix). Works on a plain network, so it compares a
 * baseline with its clustered and stripped versions.
 */
public final class ClusterStatistics {
    private ClusterStatistics() {}

    /**
     * One row per clusterable kernel of {@code net}: layer, name, type, param, weights,
     * output channels, distinct values (float), the most distinct float values in one output
     * channel, the most distinct int8 values in one output channel and the distinct int8 values
     * in the whole kernel.
     */
    public static Table of(MultiLayerNetwork net) {
        IntColumn layer = IntColumn.create("layer");
        StringColumn name = StringColumn.create("name");
        StringColumn type = StringColumn.create("type");
        StringColumn param = StringColumn.create("param");
        IntColumn weights = IntColumn.create("weights");
        IntColumn channels = IntColumn.create("channels");
        IntColumn distinct = IntColumn.create("distinct values");
        IntColumn perChannel = IntColumn.create("max distinct per channel");
        IntColumn int8PerChannel = IntColumn.create("max distinct int8 per channel");
        IntColumn int8 = IntColumn.create("distinct int8");
        for (Kernel kernel : Kernel.all(net)) {
            float[] values = kernel.read(net);
            int[] channelOf = kernel.channelOfEach();
            int[] quantized = toInts(kernel.int8(values).values());
            layer.append(kernel.layerIndex());
            name.append(kernel.layerName());
            type.append(kernel.layerType());
            param.append(kernel.param());
            weights.append(values.length);
            channels.append(kernel.channels());
            distinct.append(distinct(values));
            perChannel.append(maxPerChannel(values, channelOf, kernel.channels()));
            int8PerChannel.append(maxPerChannel(toFloats(quantized), channelOf, kernel.channels()));
            int8.append((int) Arrays.stream(quantized).distinct().count());
        }
        return Table.create("Distinct weight values", layer, name, type, param, weights, channels, distinct,
                perChannel, int8PerChannel, int8);
    }

    /** One centroid initialisation before fine-tuning: k-means iterations, clustering error, per-image hits. */
    public record Initialisation(CentroidInit init, int iterations, double meanSquaredError, boolean[] hits) {}

    /**
     * Clusters {@code net} once with each {@link CentroidInit} ({@code config} otherwise
     * unchanged) and measures them before any fine-tuning: k-means iterations (summed over the
     * kernels), the mean squared distance of the weights from their centroids (over all clustered
     * weights) and which images of {@code test} each classifies correctly ({@code
     * Tables.initialisations} shows them with intervals and significance).
     */
    public static List<Initialisation> initialisations(MultiLayerNetwork net, ClusteringConfig config,
                                                       DataSetIterator test) {
        List<Initialisation> results = new ArrayList<>();
        for (CentroidInit each : CentroidInit.values()) {
            ClusteredModel clustered = Clustering.cluster(net, config.withInit(each));
            Table summary = clustered.summary();
            double squares = 0;
            for (int r = 0; r < summary.rowCount(); r++) {
                squares += summary.doubleColumn("mean squared error").get(r) * summary.intColumn("weights").get(r);
            }
            results.add(new Initialisation(each, (int) summary.intColumn("k-means iterations").sum(),
                    squares / summary.intColumn("weights").sum(), Training.hits(clustered.network(), test)));
        }
        return results;
    }

    /** Distinct values of all clusterable kernels together (the "unique weights" of a model). */
    public static int distinctValues(MultiLayerNetwork net) {
        Set<Float> all = new HashSet<>();
        for (Kernel kernel : Kernel.all(net)) {
            for (float v : kernel.read(net)) {
                all.add(v == 0 ? 0f : v); // -0 and +0 are one weight value
            }
        }
        return all.size();
    }

    /** The kernel {@code param} ("W", or "pW" for separable layers) of the layer {@code layerName}, flattened. */
    public static double[] weights(MultiLayerNetwork net, String layerName, String param) {
        for (Kernel kernel : Kernel.all(net)) {
            if (kernel.layerName().equals(layerName) && kernel.param().equals(param)) {
                float[] values = kernel.read(net);
                double[] out = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = values[i];
                }
                return out;
            }
        }
        List<String> kernels = Kernel.all(net).stream().map(k -> "'" + k.layerName() + "' " + k.param()).toList();
        throw new IllegalArgumentException("The network has no clusterable kernel " + param + " in a layer named '"
                + layerName + "'; its kernels are " + kernels);
    }

    /** The kernel "W" of the layer {@code layerName}, flattened (for weight histograms). */
    public static double[] weights(MultiLayerNetwork net, String layerName) {
        return weights(net, layerName, "W");
    }

    static int distinct(float[] values) {
        Set<Float> set = new HashSet<>();
        for (float v : values) {
            set.add(v == 0 ? 0f : v);
        }
        return set.size();
    }

    /** The largest number of distinct values found in one output channel. */
    static int maxPerChannel(float[] values, int[] channelOf, int channels) {
        List<Set<Float>> sets = new java.util.ArrayList<>();
        for (int c = 0; c < channels; c++) {
            sets.add(new HashSet<>());
        }
        for (int i = 0; i < values.length; i++) {
            sets.get(channelOf[i]).add(values[i] == 0 ? 0f : values[i]);
        }
        return sets.stream().mapToInt(Set::size).max().orElse(0);
    }

    private static int[] toInts(byte[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] toFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
