/**
 * Magnitude weight pruning: zero the smallest weights during fine-tuning so that the network
 * learns to do without them, then strip the pruning machinery and export.
 *
 * <pre>{@code
 * PrunedModel pruned = Pruning.lowMagnitude(net, PruningSchedule.constant(0.75, 0, 100));
 * Training.of(pruned.network()).withListeners(pruned.listeners()).fit(train, test, 1);
 * pruned.sparsity().rows();                  // zeros per layer (Tables.of(...) shows them)
 * MultiLayerNetwork stripped = pruned.strip(); // a plain network with the zeros baked in
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.condition4j.prune.PruningSchedule}: when to prune and how much
 *       ({@link org.condition4j.prune.ConstantSparsity}, {@link org.condition4j.prune.PolynomialDecay}).</li>
 *   <li>{@link org.condition4j.prune.Pruning}: which layers, and the entry point.</li>
 *   <li>{@link org.condition4j.prune.PrunedModel}: the network being pruned, its training listener, strip.</li>
 *   <li>{@link org.condition4j.prune.SparsityStats}: zeros per layer, as numbers or a table.</li>
 * </ul>
 *
 * Zeros survive int8 export unchanged: weights are quantized symmetrically (zero point 0), so a
 * float 0 becomes the integer 0, and the runs of zeros are what makes the file compress.
 */
package org.condition4j.prune;
