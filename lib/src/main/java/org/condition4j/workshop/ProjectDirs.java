package org.condition4j.workshop;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's folders are. Notebooks run from {@code notebooks/}, tests from a module
 * folder and scripts from the root, so the root is found by walking up from the working
 * directory to the folder that holds {@code setup.sh}; {@code CONDITION4J_HOME} overrides it.
 */
public final class ProjectDirs {
    private ProjectDirs() {}

    public static Path root() {
        String home = System.getenv("CONDITION4J_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("setup.sh")) && Files.isDirectory(dir.resolve("lib"))) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find the condition4j folder (the one holding setup.sh) above "
                + start + "; run from inside the project or set CONDITION4J_HOME");
    }

    /** MNIST's four IDX files, as setup.sh fetches them. */
    public static Path mnist() {
        return root().resolve("data").resolve("mnist");
    }

    /**
     * Where notebooks write models, metrics and Vela reports: {@code conditioned_models/}, or
     * {@code CONDITIONED_MODELS_DIR} when set (the test runner uses its own folder so that a
     * test run never overwrites the results of a full run).
     */
    public static Path conditionedModels() {
        String dir = System.getenv("CONDITIONED_MODELS_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
        return root().resolve("conditioned_models");
    }

    /** The Python interpreter of the project's environment {@code env/} (LiteRT, Jupyter). */
    public static Path python() {
        return root().resolve("env").resolve("bin").resolve("python");
    }

    /** The Vela compiler in the project's environment {@code env/}. */
    public static Path vela() {
        return root().resolve("env").resolve("bin").resolve("vela");
    }
}
