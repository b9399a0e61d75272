package org.condition4j.workshop;

import org.condition4j.vela.Vela;
import org.condition4j.vela.VelaReport;
import org.condition4j.vela.VelaTarget;
import org.condition4j.tflite.TfliteModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Every int8 model of a folder compiled for many targets ({@link org.condition4j.vela.VelaConfigurations}),
 * each target's outputs (the {@code _vela.tflite} and Vela's CSVs) in
 * {@code <folder>/vela/<accelerator>_<system>_<memory mode>_<strategy>/}. The compilations run
 * in one Vela process per processor ({@link Vela#compileAll}): each is a short single-threaded
 * Python run, a full sweep is hundreds of them, and starting Vela costs more than compiling a
 * small model.
 */
public final class VelaSweep {
    private VelaSweep() {}

    /** One report per int8 model and target, models in name order, then targets in the order given. */
    public static List<VelaReport> run(Path modelsDir, List<VelaTarget> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("No Vela targets to compile for");
        }
        List<Path> models = int8Models(modelsDir);
        if (models.isEmpty()) {
            throw new IllegalStateException("No int8 .tflite models in " + modelsDir + "; run the notebooks 01-04 first");
        }
        List<Vela.Job> jobs = new ArrayList<>();
        for (Path model : models) {
            for (VelaTarget target : targets) {
                jobs.add(new Vela.Job(model, target, modelsDir.resolve("vela").resolve(target.folderName())));
            }
        }
        // one Vela process per processor, each compiling every n-th job: Vela starts once per process
        int processes = Math.min(jobs.size(), Runtime.getRuntime().availableProcessors());
        Vela vela = Workshop.vela();
        ExecutorService workers = Executors.newFixedThreadPool(processes);
        try {
            List<Future<List<VelaReport>>> pending = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                List<Vela.Job> share = new ArrayList<>();
                for (int i = p; i < jobs.size(); i += processes) {
                    share.add(jobs.get(i));
                }
                pending.add(workers.submit(() -> vela.compileAll(share)));
            }
            List<List<VelaReport>> shares = new ArrayList<>();
            for (Future<List<VelaReport>> share : pending) {
                shares.add(share.get());
            }
            List<VelaReport> reports = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                reports.add(shares.get(i % processes).get(i / processes));
            }
            return List.copyOf(reports);
        } catch (ExecutionException e) { // Vela's own message, as a sequential run would have thrown it
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during the Vela sweep", e);
        } finally {
            workers.shutdownNow();
        }
    }

    /**
     * Records, for every report of {@code reports} whose target is one of {@code deploymentTargets},
     * Vela's figures and the path of the NPU-ready {@code _vela.tflite} (key
     * {@code vela.<accelerator>.compiled_model}, relative to {@code modelsDir}) in the model's
     * metrics JSON: the deployment artefact per target, beside the model. Returns the reports recorded.
     */
    public static List<VelaReport> recordDeployments(Path modelsDir, List<VelaReport> reports,
                                                     List<VelaTarget> deploymentTargets) {
        List<VelaReport> recorded = new ArrayList<>();
        for (VelaReport r : reports) {
            if (deploymentTargets.contains(r.target())) {
                Path model = modelsDir.resolve(r.network() + ".tflite");
                Metrics.readOrCreateFor(model).putVela(r).putVelaDeployment(r, modelsDir).writeFor(model);
                recorded.add(r);
            }
        }
        return List.copyOf(recorded);
    }

    /** The .tflite files in {@code dir} with an int8 input (what the NPU runs), by name. */
    public static List<Path> int8Models(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tflite"))
                    .filter(f -> TfliteModel.read(f).input().type().equals("INT8"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
