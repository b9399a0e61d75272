package org.condition4j.workshop;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Which test images become a model's golden vectors: those it is least sure of, one per digit.
 * Easy images give saturated one-hot outputs that every model and many arithmetic bugs share; near
 * a decision boundary a model's outputs are its own, and a small change in any weight shows.
 *
 * <p>An image is less sure than another if the model gets it wrong and the other right, else if
 * the margin between its two largest logits is smaller (lower index first on ties). For each
 * digit the least sure image is taken; if the pool lacks some digits, the least sure of the
 * remaining images fill the places.
 */
final class GoldenImages {
    private GoldenImages() {}

    /** One candidate: its index in the pool, label, prediction and the margin of its two largest logits. */
    record Candidate(int index, int label, int prediction, double margin) {
        boolean wrong() {
            return prediction != label;
        }
    }

    private static final Comparator<Candidate> LEAST_SURE_FIRST = Comparator
            .comparing((Candidate c) -> !c.wrong())
            .thenComparingDouble(Candidate::margin)
            .thenComparingInt(Candidate::index);

    /**
     * The indices (into the pool) of the {@code count} images chosen from images with these
     * {@code labels} and the model's {@code logits}, ordered by label, then index.
     */
    static List<Integer> choose(int[] labels, float[][] logits, int count) {
        if (labels.length != logits.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + logits.length + " rows of logits");
        }
        if (count < 1 || count > labels.length) {
            throw new IllegalArgumentException("Cannot choose " + count + " golden images from " + labels.length
                    + " test images");
        }
        List<Candidate> ranked = IntStream.range(0, labels.length)
                .mapToObj(i -> candidate(i, labels[i], logits[i]))
                .sorted(LEAST_SURE_FIRST)
                .toList();
        Map<Integer, Candidate> perDigit = new LinkedHashMap<>();
        ranked.forEach(c -> perDigit.putIfAbsent(c.label(), c));
        List<Candidate> chosen = new ArrayList<>(perDigit.values().stream().sorted(LEAST_SURE_FIRST).limit(count)
                .toList());
        Set<Integer> taken = new HashSet<>(chosen.stream().map(Candidate::index).toList());
        for (Candidate c : ranked) {
            if (chosen.size() == count) {
                break;
            }
            if (taken.add(c.index())) {
                chosen.add(c);
            }
        }
        return chosen.stream()
                .sorted(Comparator.comparingInt(Candidate::label).thenComparingInt(Candidate::index))
                .map(Candidate::index)
                .toList();
    }

    static Candidate candidate(int index, int label, float[] logits) {
        int best = argMax(logits);
        double second = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < logits.length; k++) {
            if (k != best) {
                second = Math.max(second, logits[k]);
            }
        }
        return new Candidate(index, label, best, logits[best] - second);
    }

    /** The class with the largest value, the first of equal ones (as {@code TfliteInterpreter.predict}). */
    static int argMax(float[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}
