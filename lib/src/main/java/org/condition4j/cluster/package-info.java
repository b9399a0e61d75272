/**
 * Weight clustering (weight sharing): every clustered kernel keeps only K distinct values, its
 * cluster centroids, so that the model compresses well and an NPU compiler can encode the
 * weights compactly.
 *
 * <pre>{@code
 * ClusteredModel clustered = Clustering.cluster(net, ClusteringConfig.of(16, CentroidInit.LINEAR));
 * clustered.summary();                               // per layer: weights, K, distinct values
 * Training.of(clustered.network()).withListeners(clustered.listeners()).fit(train, test, 1);
 * MultiLayerNetwork stripped = clustered.strip();    // a plain network holding the centroids
 * ClusterStatistics.of(stripped);                    // distinct values, also after int8 quantization
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.condition4j.cluster.CentroidInit}: where the centroids start (linear, random,
 *       density-based, k-means++).</li>
 *   <li>{@link org.condition4j.cluster.KMeans}: one-dimensional Lloyd iterations.</li>
 *   <li>{@link org.condition4j.cluster.ClusteringConfig}: K, per layer or per output channel,
 *       which layers, k-means cap, re-assignment frequency, seed.</li>
 *   <li>{@link org.condition4j.cluster.Clustering}: the entry point, and what survives int8
 *       quantization.</li>
 *   <li>{@link org.condition4j.cluster.ClusteredModel}: the network being fine-tuned, its
 *       cluster-preserving listener, strip, per-layer and centroid tables.</li>
 *   <li>{@link org.condition4j.cluster.ClusterStatistics}: distinct values of any network, float
 *       and int8; comparison of the initialisations.</li>
 * </ul>
 */
package org.condition4j.cluster;
