package org.condition4j.npu;

/** A hint that does not move an op off the NPU but costs cycles or memory there, for one tensor. */
public record Advice(String tensor, Kind kind, String message) {

    public enum Kind {
        /** A channel count that leaves part of the NPU's 16-channel bricks empty. */
        CHANNELS,
        /** An op with a large share of the network's multiply-accumulates. */
        MACS,
        /** An op with a large share of the network's weights, read from flash or DRAM on every inference. */
        WEIGHTS,
        /** How many cycles (Vela's figure) a cut of whole output-channel blocks saves ({@link TargetCheck#withCycles}). */
        CYCLES
    }

    @Override
    public String toString() {
        return tensor + ": " + message;
    }
}
