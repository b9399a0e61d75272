package org.condition4j.notebooks;

import org.condition4j.workshop.ProjectDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The site and browser checks on a book ./run.sh already built, without running any notebook:
 * {@code mvn -o -pl notebooks test -Dtest=BuiltBookTest -Dbook=/path/to/checkout} checks
 * {@code site/} against {@code notebooks/executed/} and {@code conditioned_models/} there.
 * The notebook runner makes the same checks on the book of its own small run.
 */
@EnabledIfSystemProperty(named = "book", matches = ".+")
class BuiltBookTest {

    @Test
    void theBookOfARun() throws IOException {
        Path run = Path.of(System.getProperty("book")).toAbsolutePath();
        Path executed = run.resolve("notebooks/executed");
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(executed)) {
            notebooks = files.filter(f -> f.getFileName().toString().matches("\\d\\d_.*\\.ipynb")).sorted().toList();
        }
        SiteCheck.check(run.resolve("site"), notebooks, run.resolve("conditioned_models"));
        BrowserCheck.check(run.resolve("site"), ProjectDirs.root().resolve("notebooks/target"));
    }
}
