/**
 * The int8 scheme ({@link org.condition4j.quantize.Int8Scheme}), the one symmetric weight
 * quantization ({@link org.condition4j.quantize.WeightQuantization}), calibration and full-integer
 * post-training quantization of an inference graph.
 */
package org.condition4j.quantize;
