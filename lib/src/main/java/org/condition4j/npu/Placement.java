package org.condition4j.npu;

/** Where Vela runs an operator: on the NPU, or left to the CPU (TensorFlow Lite Micro). */
public enum Placement { NPU, CPU }
