package org.condition4j.notebooks;

import org.condition4j.tflite.MicroOperators;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.workshop.GoldenReplay;
import org.condition4j.workshop.ModelCard;
import org.condition4j.workshop.ModelCards;
import org.condition4j.workshop.Workshop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every .tflite in the outputs has a card that names it by its hash; its golden vectors replay
 * byte for byte in the TFLite interpreter and within what the int8 specification's rounding
 * allows in LiteRT (see {@link GoldenReplay}); and no two models have the same golden outputs,
 * so a device replay tells the models apart.
 */
final class ModelCardCheck {
    private ModelCardCheck() {}

    static void check(Path outputs, ExecutedNotebook notebook) throws Exception {
        List<Path> models;
        try (Stream<Path> files = Files.list(outputs)) {
            models = files.filter(f -> f.getFileName().toString().endsWith(".tflite")).sorted().toList();
        }
        assertFalse(models.isEmpty(), "no .tflite models in " + outputs);
        for (Path model : models) {
            Path json = ModelCards.jsonFor(model);
            assertTrue(Files.isRegularFile(json) && Files.isRegularFile(ModelCards.markdownFor(model)),
                    model.getFileName() + " has no model card (" + json.getFileName() + " and .card.md)");
            ModelCard card = ModelCards.read(json);
            assertEquals(sha256(model), card.sha256(), model.getFileName() + ": the card's SHA-256 is not the file's");
            assertTrue(Files.readString(ModelCards.markdownFor(model)).contains(card.sha256()));
            assertEquals(card.golden().output().dtype().equals("int8"), card.golden().logitsFile() != null,
                    model.getFileName() + ": golden logits belong to every int8 model and only to them");
            checkDeploymentFacts(model, card);
            assertEquals(List.of(), GoldenReplay.interpreter(model, json),
                    model.getFileName() + ": golden vectors that do not replay identically in TFLite 2.6");
            assertEquals(List.of(), GoldenReplay.liteRt(model, json, Workshop.liteRt()),
                    model.getFileName() + ": golden vectors LiteRT computes otherwise than the spec allows");
        }
        for (int a = 0; a < models.size(); a++) {
            for (int b = a + 1; b < models.size(); b++) {
                assertFalse(Arrays.equals(goldenOutputs(models.get(a)), goldenOutputs(models.get(b))),
                        models.get(a).getFileName() + " and " + models.get(b).getFileName()
                                + " have the same golden outputs: a device replay could not tell them apart");
            }
        }
    }

    /**
     * The card's links resolve to files with the hashes it states (after 06 every file a card
     * names is there, the compiled models included), and the operators to register are those
     * counted in the model and in each compiled model.
     */
    private static void checkDeploymentFacts(Path model, ModelCard card) throws Exception {
        String name = model.getFileName().toString();
        List<ModelCard.FileLink> links = new ArrayList<>(card.files());
        card.vela().forEach(v -> links.add(v.compiledModel()));
        String markdown = Files.readString(ModelCards.markdownFor(model));
        for (ModelCard.FileLink link : links) {
            Path file = model.resolveSibling(link.path());
            assertTrue(link.present() && Files.isRegularFile(file), name + ": the card's " + link.role() + " "
                    + link.path() + " is not there");
            assertEquals(sha256(file), link.sha256(), name + ": the card's hash of " + link.path());
            assertTrue(markdown.contains("[" + link.path() + "](" + link.path() + ")"), name + ": no link to " + link.path());
        }
        assertEquals(operatorCounts(model), registrations(card.operators()), name + ": operators to register");
        for (ModelCard.VelaFigures v : card.vela()) {
            assertEquals(operatorCounts(model.resolveSibling(v.compiledModel().path())), registrations(v.operators()),
                    name + ": operators to register for " + v.compiledModel().path());
            assertTrue(v.system().coreClockHz() > 0, name + ": no NPU clock for " + v.accelerator());
        }
    }

    private static Map<String, Integer> operatorCounts(Path tflite) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TfliteModel.OperatorInfo op : TfliteModel.read(tflite).operators()) {
            counts.merge(op.customCode() == null ? op.op() : op.customCode(), 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, Integer> registrations(List<MicroOperators.Registration> rs) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        rs.forEach(r -> counts.put(r.operator(), r.count()));
        return counts;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static byte[] goldenOutputs(Path model) throws java.io.IOException {
        ModelCard card = ModelCards.read(ModelCards.jsonFor(model));
        return Files.readAllBytes(model.resolveSibling(card.golden().outputFile()));
    }
}
