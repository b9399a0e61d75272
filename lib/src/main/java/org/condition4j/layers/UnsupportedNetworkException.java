package org.condition4j.layers;

/** A network holds a layer, preprocessor or option that the exporter or a technique cannot handle. */
public class UnsupportedNetworkException extends IllegalArgumentException {
    public UnsupportedNetworkException(String message) {
        super(message);
    }
}
