package org.condition4j.prune;

/**
 * When to prune and to what sparsity, step by step. A step is one optimizer update (one
 * training batch), counted from 0 when the model is wrapped for pruning.
 *
 * <p>The two schedules follow TensorFlow Model Optimization's {@code ConstantSparsity} and
 * {@code PolynomialDecay}, including when they prune ({@code PruningSchedule._should_prune_in_step}):
 * at step {@code t} the weights are pruned if and only if
 * {@code begin <= t}, {@code t <= end} (end inclusive; a constant schedule may have no end), and
 * {@code (t - begin) % frequency == 0}. Between those steps the masks stay as they are.
 * So if {@code end - begin} is not a multiple of the frequency, the last pruning happens at the
 * last multiple before {@code end} and the schedule's value at {@code end} is never applied.
 *
 * <p>Sparsity is the fraction of a weight tensor that is zero, in [0, 1).
 */
public sealed interface PruningSchedule permits ConstantSparsity, PolynomialDecay {

    /** TensorFlow Model Optimization's default: prune every 100 steps. */
    long DEFAULT_FREQUENCY = 100;
    /** TensorFlow Model Optimization's default exponent of the polynomial decay. */
    double DEFAULT_POWER = 3;

    /** Whether the masks are recomputed at {@code step}. */
    boolean shouldPrune(long step);

    /** The sparsity the schedule asks for at {@code step} (applied only where {@link #shouldPrune} is true). */
    double sparsity(long step);

    /** The sparsity the schedule ends at. */
    double finalSparsity();

    /**
     * The sparsity the masks hold at each of the steps 0 .. {@code steps - 1}: the value of the
     * last pruning step so far (0 before the first), for plotting a schedule as training sees it.
     */
    default double[] sparsityInEffect(int steps) {
        double[] inEffect = new double[steps];
        double current = 0;
        for (int t = 0; t < steps; t++) {
            if (shouldPrune(t)) {
                current = sparsity(t);
            }
            inEffect[t] = current;
        }
        return inEffect;
    }

    /** {@code target} sparsity from step 0, every 100 steps, never ending. */
    static ConstantSparsity constant(double target) {
        return constant(target, 0, DEFAULT_FREQUENCY);
    }

    /** {@code target} sparsity from {@code beginStep}, every {@code frequency} steps, never ending. */
    static ConstantSparsity constant(double target, long beginStep, long frequency) {
        return new ConstantSparsity(target, beginStep, ConstantSparsity.NO_END, frequency);
    }

    /** {@code target} sparsity every {@code frequency} steps from {@code beginStep} to {@code endStep} inclusive. */
    static ConstantSparsity constant(double target, long beginStep, long endStep, long frequency) {
        return new ConstantSparsity(target, beginStep, endStep, frequency);
    }

    /** Polynomial decay from {@code initial} to {@code finalSparsity} with power 3, every 100 steps. */
    static PolynomialDecay polynomialDecay(double initial, double finalSparsity, long beginStep, long endStep) {
        return new PolynomialDecay(initial, finalSparsity, beginStep, endStep, DEFAULT_POWER, DEFAULT_FREQUENCY);
    }

    static PolynomialDecay polynomialDecay(double initial, double finalSparsity, long beginStep, long endStep,
                                           double power, long frequency) {
        return new PolynomialDecay(initial, finalSparsity, beginStep, endStep, power, frequency);
    }

    /** The pruning-step rule shared by both schedules; {@code endStep} inclusive. */
    static boolean isPruningStep(long step, long beginStep, long endStep, long frequency) {
        return step >= beginStep && step <= endStep && (step - beginStep) % frequency == 0;
    }

    static void requireSparsity(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(what + " " + value + " is outside [0, 1)");
        }
    }

    static void requireSteps(long beginStep, long endStep, long frequency) {
        if (beginStep < 0) {
            throw new IllegalArgumentException("begin step " + beginStep + " is negative; steps count from 0");
        }
        if (endStep < beginStep) {
            throw new IllegalArgumentException("end step " + endStep + " is before begin step " + beginStep);
        }
        if (frequency <= 0) {
            throw new IllegalArgumentException("frequency " + frequency + " is not positive; prune every 1 or more steps");
        }
    }
}
