package org.condition4j.graph;

/**
 * Implemented by a custom DL4J activation function (for instance quantization-aware training's
 * fake-quantized ReLU) to tell the exporter which fused activation it stands for at inference.
 * Built-in identity, ReLU and ReLU6 need nothing.
 */
public interface ExportableActivation {
    FusedActivation fusedActivation();
}
