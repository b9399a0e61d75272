package org.condition4j.npu;

/**
 * One broken operator constraint: the rule (Vela's documented constraint, in words), what the op
 * does instead, and what to change in the DL4J network.
 */
public record Violation(String rule, String found, String fix) {

    @Override
    public String toString() {
        return rule + ": " + found + " → " + fix;
    }
}
