/**
 * Collaborative optimization: pruning, clustering and quantization-aware training combined so
 * that each keeps what the earlier ones made, in the order prune, cluster, QAT.
 *
 * <ul>
 *   <li>{@link org.condition4j.collab.PreservingQat}: PQAT, CQAT and PCQAT, quantization-aware
 *       training that keeps zeros, clusters or both.</li>
 * </ul>
 */
package org.condition4j.collab;
