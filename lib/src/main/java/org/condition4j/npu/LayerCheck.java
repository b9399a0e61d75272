package org.condition4j.npu;

import java.util.List;

/**
 * The verdict on one op of the inference graph (one operator of the exported file): its output
 * tensor, the DL4J layer it comes from (-1 inside a layer), the TFLite operator, where Vela will
 * run it and, for the CPU, every rule it breaks with what to change. MACs and weight bytes (int8
 * weights plus int32 bias) are what the op costs per inference.
 */
public record LayerCheck(String tensor, int layer, String operator, String description, Placement placement,
                         List<Violation> violations, long macs, long weightBytes, int outputChannels) {

    public LayerCheck {
        violations = List.copyOf(violations);
    }

    public boolean onNpu() {
        return placement == Placement.NPU;
    }
}
