package org.condition4j.prune;

/**
 * The same sparsity at every pruning step: the weights are pruned to {@code targetSparsity} at
 * {@code beginStep} and re-pruned every {@code frequency} steps up to {@code endStep} (inclusive),
 * or for ever when the end is {@link #NO_END}.
 */
public record ConstantSparsity(double targetSparsity, long beginStep, long endStep, long frequency)
        implements PruningSchedule {

    /** End step of a schedule that keeps pruning for as long as training runs. */
    public static final long NO_END = Long.MAX_VALUE;

    public ConstantSparsity {
        PruningSchedule.requireSparsity("target sparsity", targetSparsity);
        PruningSchedule.requireSteps(beginStep, endStep, frequency);
    }

    @Override
    public boolean shouldPrune(long step) {
        return PruningSchedule.isPruningStep(step, beginStep, endStep, frequency);
    }

    @Override
    public double sparsity(long step) {
        return targetSparsity;
    }

    @Override
    public double finalSparsity() {
        return targetSparsity;
    }

    @Override
    public String toString() {
        return "constant sparsity " + targetSparsity + " from step " + beginStep
                + (endStep == NO_END ? "" : " to " + endStep) + " every " + frequency + " steps";
    }
}
