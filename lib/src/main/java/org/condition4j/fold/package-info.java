/**
 * Folding batch normalization into the layer before it, as a step of its own before the
 * techniques: {@link org.condition4j.fold.BatchNormFolding#fold} turns a network with
 * {@code BatchNormalization} layers into an equivalent plain network without them, so that
 * pruning, clustering and quantization-aware training act on exactly the weights that are exported.
 */
package org.condition4j.fold;
