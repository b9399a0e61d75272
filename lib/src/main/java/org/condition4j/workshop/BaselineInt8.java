package org.condition4j.workshop;

import org.condition4j.tflite.TfliteExport;
import org.condition4j.graph.InferenceGraph;
import org.condition4j.quantize.PostTrainingQuantization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline after post-training quantization alone: {@code post_training_quant_model.tflite},
 * the plain int8 model each technique notebook compares its own int8 model against.
 * {@code 01_post_training_quantization} writes it; a notebook run on its own makes it here with
 * the same steps (inference graph, calibration, int8 export), so the file is the same either way.
 */
public final class BaselineInt8 {
    public static final String FILE_NAME = "post_training_quant_model.tflite";

    private BaselineInt8() {}

    /** Where the plain int8 model lives: {@code conditioned_models/post_training_quant_model.tflite}. */
    public static Path file() {
        return ProjectDirs.conditionedModels().resolve(FILE_NAME);
    }

    /**
     * {@link #file()}; if there is none yet, {@code baseline} is quantized after calibration on
     * {@code representative} and written there first.
     */
    public static Path fileOrExport(MultiLayerNetwork baseline, DataSet representative) {
        return fileOrExport(file(), baseline, representative);
    }

    static Path fileOrExport(Path file, MultiLayerNetwork baseline, DataSet representative) {
        if (!Files.isRegularFile(file)) {
            System.out.println("No " + file.getFileName() + " yet (01_post_training_quantization has not run): "
                    + "exporting the baseline with post-training quantization, calibrated on "
                    + representative.numExamples() + " images");
            TfliteExport.int8(PostTrainingQuantization.calibrate(InferenceGraph.of(baseline), representative))
                    .writeTo(file);
        }
        return file;
    }
}
