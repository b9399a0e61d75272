/**
 * The one layer registry: for each DL4J layer class it knows, its weight tensors with their
 * output-channel axes (DL4J and TFLite), and whether the exporter and each technique support it
 * or why not. The exporter, quantization-aware training, pruning and clustering all ask
 * {@link org.condition4j.layers.LayerRegistry}, so they refuse the same layers with one message format.
 */
package org.condition4j.layers;
