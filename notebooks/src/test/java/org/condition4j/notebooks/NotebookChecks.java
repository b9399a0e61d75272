package org.condition4j.notebooks;

import java.nio.file.Path;
import java.util.Map;

/** What each notebook must have produced, checked after it ran. */
final class NotebookChecks {

    @FunctionalInterface
    interface Check {
        void check(Path outputs, ExecutedNotebook notebook) throws Exception;
    }

    private static final Map<String, Check> CHECKS = Map.of(
            "00_baseline.ipynb", BaselineCheck::check,
            "01_post_training_quantization.ipynb", PostTrainingQuantizationCheck::check,
            "02_quantization_aware_training.ipynb", QuantizationAwareTrainingCheck::check,
            "03_weight_pruning.ipynb", PruningCheck::check,
            "04_weight_clustering.ipynb", ClusteringCheck::check,
            "05_collaborative_optimization.ipynb", CollaborativeCheck::check,
            "06_ethos_u.ipynb", (outputs, notebook) -> {
                EthosUCheck.check(outputs, notebook);
                ModelCardCheck.check(outputs, notebook);
            },
            "07_npu_layer_by_layer.ipynb", NpuLayersCheck::check);

    private NotebookChecks() {}

    /**
     * The one accuracy floor the checks use: better than guessing one of 10 digits by three
     * standard errors of a guesser's accuracy on {@code images} images ({@code 0.1 + 3 sqrt(0.09 / n)};
     * a guesser gets past it about once in 740 runs). It is derived from the number of images, not
     * from a run: a network of any seed that learned anything lies far above it, a broken pipeline
     * (wrong labels, no training, weights lost in an export) near 10 %. How much accuracy a
     * technique keeps depends on the weights training found, so no check asserts it.
     */
    static double aboveChance(int images) {
        double p = 0.1;
        return p + 3 * Math.sqrt(p * (1 - p) / images);
    }

    static Check forNotebook(String name) {
        Check check = CHECKS.get(name);
        if (check == null) {
            throw new AssertionError("No output check for " + name + ": add one to NotebookChecks");
        }
        return check;
    }
}
