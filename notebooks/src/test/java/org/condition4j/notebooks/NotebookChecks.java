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

    static Check forNotebook(String name) {
        Check check = CHECKS.get(name);
        if (check == null) {
            throw new AssertionError("No output check for " + name + ": add one to NotebookChecks");
        }
        return check;
    }
}
