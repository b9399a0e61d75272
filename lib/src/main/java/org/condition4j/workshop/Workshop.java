package org.condition4j.workshop;

import org.condition4j.data.Mnist;
import org.condition4j.runtime.LiteRt;
import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaConfigFile;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;

import java.nio.file.Path;

/**
 * The notebooks' short cuts to the project's own data and tools: MNIST from {@code data/mnist},
 * Vela and LiteRT from {@code env/}, and the "compile for Ethos-U" step that ends each technique notebook.
 */
public final class Workshop {
    private static VelaConfigFile velaConfig;

    private Workshop() {}

    /**
     * The notebook prelude in one call: run parameters from the environment, MNIST, the output
     * folder, LiteRT and Vela.
     */
    public static Session start() {
        return new Session(RunParameters.fromEnvironment(), mnist(), ProjectDirs.conditionedModels(), liteRt(), vela());
    }

    /** MNIST from the project's {@code data/mnist}, as {@code setup.sh} fetches it. */
    public static Mnist mnist() {
        return Mnist.from(ProjectDirs.mnist());
    }

    /** The Vela compiler that {@code setup.sh} installs into {@code env/}. */
    public static Vela vela() {
        return Vela.at(ProjectDirs.vela());
    }

    /** Vela's configuration file as the project's Vela finds it, asked once per JVM. */
    public static synchronized VelaConfigFile velaConfig() {
        if (velaConfig == null) {
            velaConfig = VelaConfigFile.read(vela().configFile());
        }
        return velaConfig;
    }

    /** LiteRT in the Python environment that {@code setup.sh} makes in {@code env/}. */
    public static LiteRt liteRt() {
        return LiteRt.using(ProjectDirs.python());
    }

    /** Compiles {@code model} for {@code target} into {@code conditioned_models/vela/<accelerator>/}. */
    public static VelaReport compile(Path model, VelaTarget target) {
        return vela().compile(model, target, ProjectDirs.conditionedModels().resolve("vela").resolve(target.accelerator()));
    }

    /**
     * {@link #compile} and Vela's figures added to the model's metrics JSON (beside it), so the
     * comparison notebook finds them.
     */
    public static VelaReport compileAndRecord(Path model, VelaTarget target) {
        VelaReport report = compile(model, target);
        Metrics.readOrCreateFor(model).putVela(report).writeFor(model);
        return report;
    }
}
