package org.condition4j.workshop;

import java.util.List;
import java.util.Map;

/**
 * Everything known about one conditioned {@code .tflite} model, for people (its Markdown form)
 * and tools (its JSON form): the file's identity, how it was made, what it measured, and golden
 * vectors. Unmeasured figures are null, never 0.
 */
public record ModelCard(
        String model,
        String file,
        String sha256,
        long sizeBytes,
        long gzipBytes,
        Provenance provenance,
        List<AccuracyFigure> accuracy,
        WeightFigures weights,
        List<VelaFigures> vela,
        GoldenVectors golden) {

    public ModelCard {
        accuracy = List.copyOf(accuracy);
        vela = List.copyOf(vela);
    }

    /**
     * How the model was made: the notebook that wrote it, the source's git commit (with
     * "-dirty" when the work tree had uncommitted changes), the run parameters, the training seed
     * and the versions of the libraries and tools involved.
     */
    public record Provenance(String notebook, String gitCommit, Map<String, Object> runParameters, long seed,
                             Map<String, String> libraries) {
        public Provenance {
            runParameters = Map.copyOf(runParameters);
            libraries = Map.copyOf(libraries);
        }
    }

    /**
     * One measured accuracy ("float" in DL4J or the float32 file, "int8" in the TFLite
     * interpreter) on {@code images} test images, with the bounds of its 95 % Wilson interval
     * (null when the number of images was not recorded).
     */
    public record AccuracyFigure(String kind, double value, int images, Double intervalLow, Double intervalHigh) {}

    /** The weights as counted in the file: share of zeros, most distinct values in one tensor. */
    public record WeightFigures(long values, double sparsity, int maxDistinctPerTensor) {}

    /** Vela's figures for one accelerator configuration; memory, cycles and time null when nothing ran on the NPU. */
    public record VelaFigures(String accelerator, int npuOperators, int cpuOperators, Double sramKiB,
                              Double offChipFlashKiB, Long encodedWeightBytes, Long cycles, Double inferenceMillis) {}

    /**
     * Golden vectors: the {@code count} test images the model is least sure of, one per digit,
     * chosen from the first {@code pool} MNIST test images ({@code testImageIndices} are indices
     * into the MNIST test set, with their labels and the model's predictions); their input tensors
     * back to back in {@code inputFile}, the interpreter's output tensors back to back in
     * {@code outputFile} and, for an int8 model, its logits (tensor {@code logitsTensor}, the
     * input of the final SOFTMAX) back to back in {@code logitsFile}; each tensor exactly as the
     * model stores it (see {@link TensorFormat}). The logits fields are null for a float model.
     */
    public record GoldenVectors(int count, int pool, List<Integer> testImageIndices, List<Integer> labels,
                                List<Integer> predictions, String inputFile, TensorFormat input, String outputFile,
                                TensorFormat output, String logitsTensor, String logitsFile, TensorFormat logits) {
        public GoldenVectors {
            testImageIndices = List.copyOf(testImageIndices);
            labels = List.copyOf(labels);
            predictions = List.copyOf(predictions);
        }
    }

    /**
     * The raw layout of one tensor: element type ("int8" one signed byte per value, "float32"
     * IEEE 754 little-endian), shape in NHWC order (row-major, the last index fastest), bytes per
     * tensor, and for int8 the quantization: real value = scale x (q - zeroPoint).
     */
    public record TensorFormat(String dtype, List<Integer> shape, int bytes, Double scale, Long zeroPoint) {
        public TensorFormat {
            shape = List.copyOf(shape);
        }
    }
}
