/**
 * Statistics of measured accuracies: {@link org.condition4j.stats.Accuracy} (a count of correct
 * predictions with its 95 % Wilson score interval) and {@link org.condition4j.stats.PairedComparison}
 * (two models on the same images, exact McNemar test). Plain records; the distributions come from
 * Apache Commons Statistics. Tables and charts that show them live in {@code report}.
 */
package org.condition4j.stats;
