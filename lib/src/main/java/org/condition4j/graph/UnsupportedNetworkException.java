package org.condition4j.graph;

/** A network holds a layer, preprocessor or option the exporter cannot express in TFLite. */
public class UnsupportedNetworkException extends IllegalArgumentException {
    public UnsupportedNetworkException(String message) {
        super(message);
    }
}
