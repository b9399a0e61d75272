package org.condition4j;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure that DESIGN.md draws, as rules over the compiled library (test classes
 * excluded): no cycles, each package depends only on the packages below it, XChart only in
 * {@code report} and {@code workshop} (Tablesaw also in the domain packages still listed in
 * {@link #STILL_DRAWING}), and only {@code workshop} names the project's folders and notebooks.
 */
class ArchitectureTest {
    private static final String ROOT = "org.condition4j";

    /** Which project packages each package may use: DESIGN.md's layering, bottom to top. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("io", Set.of());
        ALLOWED.put("backend", Set.of());
        ALLOWED.put("layers", Set.of());
        ALLOWED.put("stats", Set.of());
        ALLOWED.put("data", Set.of("backend"));
        ALLOWED.put("model", Set.of("backend", "data", "io", "stats"));
        ALLOWED.put("fold", Set.of("layers"));
        ALLOWED.put("graph", Set.of("layers"));
        ALLOWED.put("quantize", Set.of("layers", "graph"));
        ALLOWED.put("qat", Set.of("backend", "model", "layers", "graph", "quantize"));
        ALLOWED.put("prune", Set.of("backend", "model", "layers"));
        ALLOWED.put("cluster", Set.of("backend", "model", "layers", "quantize"));
        ALLOWED.put("channels", Set.of("layers", "prune", "npu"));
        ALLOWED.put("tflite", Set.of("io", "layers", "graph", "quantize"));
        ALLOWED.put("runtime", Set.of("io", "graph", "quantize", "tflite", "stats"));
        ALLOWED.put("vela", Set.of("io", "tflite"));
        ALLOWED.put("npu", Set.of("layers", "graph", "quantize"));
        ALLOWED.put("collab", Set.of("io", "backend", "data", "model", "layers", "fold", "graph", "quantize", "qat",
                "prune", "cluster", "tflite", "runtime", "vela", "stats"));
        ALLOWED.put("report", Set.of("io", "backend", "data", "model", "layers", "fold", "graph", "quantize", "qat",
                "prune", "cluster", "tflite", "runtime", "vela", "npu", "stats", "collab"));
        ALLOWED.put("workshop", Set.of("io", "backend", "data", "model", "layers", "fold", "graph", "quantize", "qat",
                "prune", "cluster", "tflite", "runtime", "vela", "npu", "stats", "report", "collab"));
    }

    /** Words that name the project's folders, tools or notebooks; only {@code workshop} may use them. */
    private static final Pattern PROJECT_NAMES = Pattern.compile(
            "conditioned_models|notebooks/|\\.ipynb|env/bin|data/mnist|CONDITION4J_HOME|\\b0\\d_[a-z]+_[a-z_]+");

    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(library);
    }

    @Test
    void everyPackageIsInTheLayeringAndUsesOnlyThePackagesBelowIt() {
        classes().that().resideInAPackage(ROOT + "..").and().resideOutsideOfPackage(ROOT)
                .should(beInAKnownPackage()).check(library);
        for (Map.Entry<String, Set<String>> entry : ALLOWED.entrySet()) {
            List<String> allowed = new ArrayList<>();
            allowed.add(ROOT + "." + entry.getKey() + "..");
            entry.getValue().forEach(p -> allowed.add(ROOT + "." + p + ".."));
            noClasses().that().resideInAPackage(ROOT + "." + entry.getKey() + "..")
                    .should().dependOnClassesThat(resideInAPackage(ROOT + "..")
                            .and(not(resideInAnyPackage(allowed.toArray(String[]::new)))))
                    .as(entry.getKey() + " uses only " + entry.getValue())
                    .check(library);
        }
    }

    /**
     * Domain packages that still build their own Tablesaw tables (a {@code table()} method beside
     * their records). The goal is none: move each table into {@code report} and shrink this list,
     * never grow it.
     */
    static final String[] STILL_DRAWING = {"cluster"};

    @Test
    void onlyReportAndWorkshopUseTablesawOrXChart() {
        List<String> allowed = new ArrayList<>(List.of(ROOT + ".report..", ROOT + ".workshop.."));
        for (String p : STILL_DRAWING) {
            allowed.add(ROOT + "." + p + "..");
        }
        noClasses().that().resideOutsideOfPackages(allowed.toArray(String[]::new))
                .should().dependOnClassesThat().resideInAnyPackage("tech.tablesaw..", "org.knowm.xchart..")
                .check(library);
        noClasses().that().resideOutsideOfPackages(ROOT + ".report..", ROOT + ".workshop..")
                .should().dependOnClassesThat().resideInAnyPackage("org.knowm.xchart..")
                .check(library);
    }

    @Test
    void onlyWorkshopNamesProjectFoldersOrNotebooks() {
        ArchRule rule = classes().that().resideOutsideOfPackage(ROOT + ".workshop..")
                .should(notNameProjectFoldersOrNotebooks());
        rule.check(library);
    }

    private static ArchCondition<JavaClass> beInAKnownPackage() {
        return new ArchCondition<>("be in a package of DESIGN.md's layering " + ALLOWED.keySet()) {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String rest = item.getPackageName().substring(ROOT.length() + 1);
                String top = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
                if (!ALLOWED.containsKey(top)) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " is in package " + top
                            + ", which the layering does not list"));
                }
            }
        };
    }

    /** Looks for the names in the class file's string constants (literals survive compilation as they are). */
    private static ArchCondition<JavaClass> notNameProjectFoldersOrNotebooks() {
        return new ArchCondition<>("not name the project's folders or notebooks") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String constants = classFileText(item);
                Matcher m = PROJECT_NAMES.matcher(constants);
                if (m.find()) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " names '" + m.group() + "'"));
                }
            }
        };
    }

    private static String classFileText(JavaClass item) {
        try (InputStream in = item.getSource().orElseThrow().getUri().toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
