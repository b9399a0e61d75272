/**
 * Ethos-U target check before export: which op of a network's inference graph Vela will place on
 * the NPU and which it leaves on the CPU (with the rule and what to change), plus advice on
 * channel counts and the layers that dominate MACs and weight traffic. All operator rules live in
 * {@link org.condition4j.npu.OperatorRules}; depends on {@code graph} and {@code quantize} only.
 */
package org.condition4j.npu;
