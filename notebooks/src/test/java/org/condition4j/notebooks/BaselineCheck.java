package org.condition4j.notebooks;

import org.condition4j.workshop.Workshop;
import org.condition4j.model.ModelStore;
import org.condition4j.model.Training;
import org.condition4j.workshop.MetricKey;
import org.condition4j.workshop.Metrics;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 00_baseline: a loadable baseline.zip that classifies digits, and its metrics. */
final class BaselineCheck {
    private BaselineCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) {
        Path model = outputs.resolve("baseline.zip");
        assertTrue(Files.isRegularFile(model), "00_baseline did not write " + model);
        MultiLayerNetwork net = ModelStore.load(model);
        int testImages = Integer.parseInt(NotebookRunnerTest.SMALL_RUN.get("TEST_LIMIT"));
        double accuracy = Training.accuracy(net, Workshop.mnist().test(1_000, testImages));
        // better than guessing (NotebookChecks.aboveChance); how much better depends on the weights
        // one epoch finds (90.85 % in one small run), so it is not asserted
        double floor = NotebookChecks.aboveChance(testImages);
        assertTrue(accuracy > floor, "baseline accuracy " + accuracy + " is no better than guessing (" + floor + ")");
        Metrics metrics = Metrics.read(Metrics.fileFor(model));
        assertEquals(accuracy, metrics.number(MetricKey.FLOAT_ACCURACY).orElseThrow(), 1e-9,
                "the notebook's reported accuracy differs from the saved model's");
        assertTrue(notebook.printedText().contains("oneDNN convolution helpers: on"), "oneDNN was not on");
    }
}
