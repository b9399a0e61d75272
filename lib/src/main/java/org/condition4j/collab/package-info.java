/**
 * Collaborative optimization: pruning, clustering and quantization-aware training combined so
 * that each keeps what the earlier ones made, in the order prune, cluster, QAT.
 *
 * <ul>
 *   <li>{@link org.condition4j.collab.PreservingQat}: PQAT, CQAT and PCQAT, quantization-aware
 *       training that keeps zeros, clusters or both.</li>
 *   <li>{@link org.condition4j.collab.Sweep}: the pipeline over a grid of sparsities and numbers
 *       of clusters, each point quantized by PTQ and by PCQAT and measured in LiteRT, in its file
 *       and by Vela; cached, with its Pareto front.</li>
 * </ul>
 */
package org.condition4j.collab;
