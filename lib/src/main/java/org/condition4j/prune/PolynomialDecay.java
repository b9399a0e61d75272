package org.condition4j.prune;

/**
 * Sparsity that moves from {@code initialSparsity} at {@code beginStep} to {@code finalSparsity}
 * at {@code endStep} along
 * {@code s(t) = final + (initial - final) * (1 - (t - begin) / (end - begin))^power},
 * with {@code (t - begin) / (end - begin)} clamped to [0, 1] outside the interval (Zhu and Gupta,
 * "To prune, or not to prune", 2017). With an initial sparsity below the final one it climbs
 * quickly at first and levels off, which lets the network recover while pruning.
 *
 * <p>Unlike TensorFlow Model Optimization, which accepts {@code end == begin} and then divides
 * zero by zero, the interval must be at least one step long; use {@link ConstantSparsity} for
 * pruning at a single step.
 */
public record PolynomialDecay(double initialSparsity, double finalSparsity, long beginStep, long endStep,
                              double power, long frequency) implements PruningSchedule {

    public PolynomialDecay {
        PruningSchedule.requireSparsity("initial sparsity", initialSparsity);
        PruningSchedule.requireSparsity("final sparsity", finalSparsity);
        PruningSchedule.requireSteps(beginStep, endStep, frequency);
        if (endStep == beginStep) {
            throw new IllegalArgumentException("end step " + endStep + " equals begin step " + beginStep
                    + "; a polynomial decay needs at least one step to decay over (use a constant schedule)");
        }
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new IllegalArgumentException("power " + power + " is not a positive number");
        }
    }

    @Override
    public boolean shouldPrune(long step) {
        return PruningSchedule.isPruningStep(step, beginStep, endStep, frequency);
    }

    @Override
    public double sparsity(long step) {
        double progress = Math.min(1, Math.max(0, (double) (step - beginStep) / (endStep - beginStep)));
        return finalSparsity + (initialSparsity - finalSparsity) * Math.pow(1 - progress, power);
    }

    @Override
    public String toString() {
        return "polynomial decay of sparsity from " + initialSparsity + " to " + finalSparsity + " over steps "
                + beginStep + ".." + endStep + ", power " + power + ", every " + frequency + " steps";
    }
}
