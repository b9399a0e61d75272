package org.condition4j.prune;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruningScheduleTest {
    private static final double EXACT = 1e-12;

    @Test
    void constantPrunesAtBeginThenEveryFrequencyStepsForEver() {
        ConstantSparsity schedule = PruningSchedule.constant(0.75, 10, 100);
        long[] pruned = LongStream.range(0, 1000).filter(schedule::shouldPrune).toArray();
        assertArrayEquals(new long[] {10, 110, 210, 310, 410, 510, 610, 710, 810, 910}, pruned);
        assertTrue(schedule.shouldPrune(10 + 100L * 1_000_000));
        for (long step : new long[] {0, 9, 10, 11, 500, 1_000_000}) {
            assertEquals(0.75, schedule.sparsity(step), EXACT);
        }
        assertEquals(0.75, schedule.finalSparsity(), EXACT);
    }

    @Test
    void constantWithEndStepStopsAtTheEndInclusive() {
        ConstantSparsity schedule = PruningSchedule.constant(0.5, 0, 300, 100);
        long[] pruned = LongStream.range(0, 1000).filter(schedule::shouldPrune).toArray();
        assertArrayEquals(new long[] {0, 100, 200, 300}, pruned);
    }

    @Test
    void defaultConstantIsFromStepZeroEveryHundredSteps() {
        assertEquals(new ConstantSparsity(0.75, 0, ConstantSparsity.NO_END, 100), PruningSchedule.constant(0.75));
    }

    @Test
    void polynomialDecayFollowsTheClosedForm() {
        // s(t) = 0.8 + (0.5 - 0.8) * (1 - t/1000)^3 worked out by hand
        PolynomialDecay schedule = PruningSchedule.polynomialDecay(0.5, 0.8, 0, 1000);
        assertEquals(0.5, schedule.sparsity(0), EXACT);
        assertEquals(0.8 - 0.3 * 0.421875, schedule.sparsity(250), EXACT);   // (3/4)^3
        assertEquals(0.8 - 0.3 * 0.125, schedule.sparsity(500), EXACT);      // (1/2)^3
        assertEquals(0.8 - 0.3 * 0.001, schedule.sparsity(900), EXACT);      // (1/10)^3
        assertEquals(0.8, schedule.sparsity(1000), EXACT);
        assertEquals(0.8, schedule.finalSparsity(), EXACT);
        assertEquals(3.0, schedule.power(), EXACT);
        assertEquals(100, schedule.frequency());
    }

    @Test
    void polynomialDecayIsClampedOutsideItsInterval() {
        PolynomialDecay schedule = PruningSchedule.polynomialDecay(0.2, 0.9, 100, 300, 2, 50);
        assertEquals(0.2, schedule.sparsity(0), EXACT);
        assertEquals(0.2, schedule.sparsity(99), EXACT);
        assertEquals(0.2, schedule.sparsity(100), EXACT);
        assertEquals(0.9 - 0.7 * 0.25, schedule.sparsity(200), EXACT);       // (1/2)^2
        assertEquals(0.9 - 0.7 * 0.0625, schedule.sparsity(250), EXACT);     // (1/4)^2
        assertEquals(0.9, schedule.sparsity(300), EXACT);
        assertEquals(0.9, schedule.sparsity(10_000), EXACT);
    }

    @Test
    void polynomialDecayPrunesOnlyOnFrequencyStepsWithinBeginAndEnd() {
        PolynomialDecay aligned = PruningSchedule.polynomialDecay(0.2, 0.9, 100, 300, 2, 50);
        assertArrayEquals(new long[] {100, 150, 200, 250, 300},
                LongStream.range(0, 2000).filter(aligned::shouldPrune).toArray());
        // end - begin not a multiple of the frequency: the last pruning is at 100, never at 150
        PolynomialDecay unaligned = PruningSchedule.polynomialDecay(0.0, 0.5, 0, 150, 3, 100);
        assertArrayEquals(new long[] {0, 100}, LongStream.range(0, 2000).filter(unaligned::shouldPrune).toArray());
    }

    @Test
    void frequencyOneWithBeginEqualToEndPrunesOnce() {
        ConstantSparsity once = PruningSchedule.constant(0.6, 7, 7, 1);
        assertArrayEquals(new long[] {7}, LongStream.range(0, 100).filter(once::shouldPrune).toArray());
    }

    @Test
    void invalidValuesAreRejectedNamingTheValue() {
        assertMessage("final sparsity 1.2 is outside [0, 1)",
                () -> PruningSchedule.polynomialDecay(0.5, 1.2, 0, 100));
        assertMessage("initial sparsity -0.1 is outside [0, 1)",
                () -> PruningSchedule.polynomialDecay(-0.1, 0.5, 0, 100));
        assertMessage("target sparsity 1.0 is outside [0, 1)", () -> PruningSchedule.constant(1.0));
        assertMessage("target sparsity NaN is outside [0, 1)", () -> PruningSchedule.constant(Double.NaN));
        assertMessage("end step 5 is before begin step 10", () -> PruningSchedule.constant(0.5, 10, 5, 1));
        assertMessage("end step 5 is before begin step 10", () -> PruningSchedule.polynomialDecay(0.1, 0.5, 10, 5));
        assertMessage("frequency 0 is not positive", () -> PruningSchedule.constant(0.5, 0, 0));
        assertMessage("frequency -3 is not positive",
                () -> PruningSchedule.polynomialDecay(0.1, 0.5, 0, 100, 3, -3));
        assertMessage("power 0.0 is not a positive number",
                () -> PruningSchedule.polynomialDecay(0.1, 0.5, 0, 100, 0, 10));
        assertMessage("power -1.0 is not a positive number",
                () -> PruningSchedule.polynomialDecay(0.1, 0.5, 0, 100, -1, 10));
        assertMessage("begin step -1 is negative", () -> PruningSchedule.constant(0.5, -1, 100));
        assertMessage("end step 10 equals begin step 10", () -> PruningSchedule.polynomialDecay(0.1, 0.5, 10, 10));
    }

    private static void assertMessage(String expectedStart, Executable invalid) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, invalid);
        assertTrue(e.getMessage().startsWith(expectedStart), () -> "message: " + e.getMessage());
    }

    private static void assertArrayEquals(long[] expected, long[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual,
                () -> java.util.Arrays.toString(actual));
    }

    @Test
    void noEndMeansTheScheduleNeverStops() {
        assertFalse(PruningSchedule.constant(0.5, 0, 4, 2).shouldPrune(6));
        assertTrue(PruningSchedule.constant(0.5, 0, 2).shouldPrune(Long.MAX_VALUE - 1));
    }

    @Test
    void sparsityInEffectHoldsTheLastPrunedValueBetweenPruningSteps() {
        double[] constant = PruningSchedule.constant(0.75, 2, 3).sparsityInEffect(6);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0, 0.75, 0.75, 0.75, 0.75}, constant);
        PruningSchedule decay = PruningSchedule.polynomialDecay(0.0, 0.5, 0, 4, 1, 2);
        // prunes at 0, 2, 4 with 0, 0.25, 0.5 (power 1: linear)
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0, 0.25, 0.25, 0.5, 0.5}, decay.sparsityInEffect(6), 1e-12);
    }
}
