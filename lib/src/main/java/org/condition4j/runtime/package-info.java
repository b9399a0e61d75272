/**
 * Running .tflite files: the TFLite 2.6 interpreter in-process, a file measured against the DL4J
 * network it came from, files compared on the same images, and the cross-check against current
 * LiteRT (given the Python interpreter that has it).
 */
package org.condition4j.runtime;
