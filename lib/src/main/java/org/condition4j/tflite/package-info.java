/**
 * The .tflite file format, both ways: {@link org.condition4j.tflite.TfliteExport} writes an
 * inference graph (float32 or int8), {@link org.condition4j.tflite.TfliteModel} reads a file back into
 * operator and tensor tables and weight statistics. Nothing here runs a model.
 */
package org.condition4j.tflite;
