package org.condition4j.workshop;

import org.condition4j.tflite.MicroOperators;

import java.util.List;
import java.util.Map;

/**
 * Everything known about one conditioned {@code .tflite} model, for people (its Markdown form)
 * and tools (its JSON form): the file's identity, how it was made, what it measured, what goes in
 * and comes out, what TensorFlow Lite Micro must register to run it, Vela's compilation for each
 * Ethos-U target (system, memories, the memory the NPU part needs, the compiled file), golden
 * vectors, and every file the card refers to. Unmeasured figures are null, never 0; a file that is
 * not there has a null hash, never no entry.
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
        Io io,
        List<MicroOperators.Registration> operators,
        List<VelaFigures> vela,
        GoldenVectors golden,
        List<FileLink> files) {

    public ModelCard {
        accuracy = List.copyOf(accuracy);
        operators = List.copyOf(operators);
        vela = List.copyOf(vela);
        files = List.copyOf(files);
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

    /**
     * The model's input and output tensors (name and raw layout, as in the file) and what they
     * mean: how an image's pixels become the input, what each output value is and how to read the
     * class and its probability.
     */
    public record Io(String inputTensor, TensorFormat input, String inputMeaning, String pixelEncoding,
                     String outputTensor, TensorFormat output, List<String> classes, String outputMeaning,
                     String outputDecoding) {
        public Io {
            classes = List.copyOf(classes);
        }
    }

    /**
     * One file the card refers to, by its path relative to the card's folder, with its SHA-256
     * and size; both null when the file is not there (say which notebook writes it).
     */
    public record FileLink(String role, String path, String sha256, Long bytes) {
        public boolean present() {
            return sha256 != null;
        }
    }

    /**
     * Vela's compilation for one target: the accelerator, the system configuration, memory mode
     * and optimisation strategy it was compiled for; the system as Vela's configuration file
     * defines it; Vela's figures (memory, cycles and time null when nothing ran on the NPU); the
     * memory the compiled file's NPU part needs, read from the file (null when nothing runs on the
     * NPU or the file is missing); the compiled file; and the operators TensorFlow Lite Micro must
     * register for it, read from it (empty when it is missing).
     */
    public record VelaFigures(String accelerator, String systemConfig, String memoryMode, String optimise,
                              VelaSystem system, int npuOperators, int cpuOperators, Double sramKiB,
                              Double offChipFlashKiB, Long encodedWeightBytes, Long cycles, Double inferenceMillis,
                              NpuMemory memory, FileLink compiledModel, List<MicroOperators.Registration> operators) {
        public VelaFigures {
            operators = List.copyOf(operators);
        }
    }

    /**
     * A system configuration of Vela's configuration file ({@code configFile}, its path in the installed
     * package, e.g. ethosu/config_files/Arm/vela.ini): the NPU clock and
     * the memory on each AXI port, with what the memory mode keeps there.
     */
    public record VelaSystem(String configFile, double coreClockHz, List<MemoryPort> memories) {
        public VelaSystem {
            memories = List.copyOf(memories);
        }
    }

    /**
     * One memory: AXI port, kind as Vela names it (Sram, Dram, OffChipFlash), clock (the NPU clock
     * times the configuration's clock scale), AXI ports it uses, and what the memory mode keeps
     * there ("constants", "arena", "fast scratch").
     */
    public record MemoryPort(String port, String kind, double clockHz, int portsUsed, List<String> holds) {
        public MemoryPort {
            holds = List.copyOf(holds);
        }
    }

    /**
     * The memory the NPU part of a compiled file needs, from the inputs of its Ethos-U operators
     * (as TensorFlow Lite Micro hands them to the Ethos-U driver: command stream, read-only
     * constants, arena scratch, fast scratch): the command stream and the encoded weights and
     * scales (both inside the model file, which the memory mode keeps in {@code constantsIn}); the
     * scratch area ({@code arenaBytes}, allocated in TensorFlow Lite Micro's tensor arena, in
     * {@code arenaIn}) for the intermediate tensors, input and output; and, where the memory mode
     * has one apart from the arena (Dedicated_Sram modes), the fast scratch area
     * ({@code fastScratchBytes}, in {@code fastScratchIn}, limited to {@code fastScratchLimitBytes}
     * where the mode sets a size), else null: the arena is the fast memory. {@code plannedArenaBytes}
     * is how much of TensorFlow Lite Micro's tensor arena Vela's offline plan of the file (metadata
     * "OfflineMemoryAllocation": an offset in the arena for each scratch area, input and output)
     * covers, the end of its last tensor; null when the file has no plan.
     */
    public record NpuMemory(long commandStreamBytes, long constantsBytes, String constantsIn, long arenaBytes,
                            String arenaIn, Long fastScratchBytes, String fastScratchIn, Long fastScratchLimitBytes,
                            Long plannedArenaBytes) {}

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
