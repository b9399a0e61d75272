package org.condition4j.layers;

/** What may be done with a layer: written to TFLite, or changed by one of the techniques. */
public enum Capability {
    EXPORT("the exporter"),
    QAT("quantization-aware training"),
    PRUNING("pruning"),
    CLUSTERING("clustering"),
    CHANNEL_PRUNING("channel pruning");

    private final String who;

    Capability(String who) {
        this.who = who;
    }

    /** How messages name it: "the exporter", "pruning". */
    public String who() {
        return who;
    }
}
