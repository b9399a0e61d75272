package org.condition4j.report;

/**
 * Prose built from a run's results, shown by the notebook kernel as rendered Markdown. A sentence
 * that states a measured figure is written by a code cell as a {@code Markdown}, never typed into a
 * Markdown cell, so the page says what the run beside it measured. Figures go through
 * {@link Format}.
 */
public record Markdown(String text) {
    public Markdown {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Markdown needs some text");
        }
    }

    /** Paragraphs (or list items, or table rows) joined by line breaks. */
    public static Markdown of(String... lines) {
        return new Markdown(String.join("\n", lines));
    }

    @Override
    public String toString() {
        return text;
    }
}
