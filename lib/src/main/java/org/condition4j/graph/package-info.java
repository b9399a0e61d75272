/**
 * A DL4J network read into a small NHWC inference graph (the ops TFLite will run): batch
 * normalization folded, activations fused, dropout removed. {@link org.condition4j.graph.FloatInference}
 * runs it in plain Java.
 */
package org.condition4j.graph;
