package org.condition4j.workshop;

import org.condition4j.data.Mnist;
import org.condition4j.quantize.Int8Scheme;
import org.condition4j.report.Format;
import org.condition4j.tflite.MicroOperators;
import org.condition4j.tflite.TfliteModel;
import org.condition4j.vela.VelaConfigFile;
import org.condition4j.vela.VelaReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The parts of a model card an engineer deploys from, each read from a file: the input and output
 * tensors and what they mean (from the model), the operators TensorFlow Lite Micro must register
 * (from the model, and from each compiled model), each Vela target's system as Vela's
 * configuration file defines it, the memory the compiled NPU part needs (from the compiled file),
 * and links to the files with their SHA-256.
 */
final class DeploymentFacts {
    /** Vela's custom operator, and TensorFlow Lite Micro's order of its inputs (kernels/ethos_u/ethosu.cc). */
    static final String ETHOS_U = "ethos-u";
    private static final int COMMAND_STREAM = 0, READ_ONLY = 1, SCRATCH = 2, FAST_SCRATCH = 3;
    /** Vela's offline plan of TensorFlow Lite Micro's tensor arena, a metadata entry of the compiled file. */
    static final String OFFLINE_PLAN = "OfflineMemoryAllocation";

    private DeploymentFacts() {}

    /** The input and output of {@code model}, an MNIST classifier as the notebooks write it. */
    static ModelCard.Io io(TfliteModel model) {
        TfliteModel.TensorInfo in = model.input();
        TfliteModel.TensorInfo out = model.output();
        ModelCard.TensorFormat input = format(in);
        ModelCard.TensorFormat output = format(out);
        int[] shape = in.shape();
        String inputMeaning = "one " + shape[1] + " x " + shape[2] + " gray image in NHWC order " + Arrays.toString(shape)
                + ": rows from the top, pixels left to right, one channel; an MNIST gray value g is 0 for the "
                + "background and 255 for full ink";
        String encoding;
        if (input.scale() == null) {
            encoding = "p = g / 255 as float32";
        } else {
            Int8Scheme.ActivationParams params = new Int8Scheme.ActivationParams(input.scale(),
                    input.zeroPoint().intValue());
            boolean shifted = IntStream.range(0, 256)
                    .allMatch(g -> params.quantize(g / 255f) == g + params.zeroPoint());
            encoding = "q = clamp(round((g / 255) / scale) + zero point, -128, 127), halves rounded away from zero"
                    + (shifted ? "; with this file's scale and zero point that is exactly q = g + ("
                    + params.zeroPoint() + ") for every g in 0..255" : "");
        }
        boolean softmax = model.logitsTensorName().isPresent();
        int classes = out.shape()[out.shape().length - 1];
        List<String> labels = IntStream.range(0, classes).mapToObj(Integer::toString).toList();
        String meaning = (softmax ? "the softmax probabilities" : "the scores") + " of the " + classes + " classes, "
                + (classes == Mnist.CLASSES ? "the digits 0 to 9 in this order (value i is digit i)" : "in label order");
        String decoding = "the class is the index of the largest value (the first on a tie)";
        if (output.scale() != null) {
            decoding += "; its " + (softmax ? "probability" : "score") + " is scale x (q - zero point)"
                    + (softmax && output.scale() == 1.0 / 256 && output.zeroPoint() == -128
                    ? " = (q + 128) / 256, so q = 127 reads 255/256 and q = -128 reads 0" : "");
        }
        return new ModelCard.Io(in.name(), input, inputMeaning, encoding, out.name(), output, labels, meaning, decoding);
    }

    /** A tensor's raw layout as the file declares it. */
    static ModelCard.TensorFormat format(TfliteModel.TensorInfo t) {
        boolean int8 = t.type().equals("INT8");
        if (!int8 && !t.type().equals("FLOAT32")) {
            throw new IllegalArgumentException("Tensor '" + t.name() + "' is " + t.type()
                    + "; a card describes int8 and float32 inputs and outputs: export the model with TfliteExport.int8 "
                    + "or TfliteExport.float32");
        }
        int elements = Arrays.stream(t.shape()).reduce(1, (a, b) -> a * b);
        return new ModelCard.TensorFormat(int8 ? "int8" : "float32", Arrays.stream(t.shape()).boxed().toList(),
                int8 ? elements : 4 * elements, int8 ? (double) t.scales()[0] : null, int8 ? t.zeroPoints()[0] : null);
    }

    /**
     * Vela's compilation {@code r} as a card shows it: the target, its system from {@code config},
     * Vela's figures, and what the compiled file (linked relative to {@code cardDir}) needs.
     */
    static ModelCard.VelaFigures vela(VelaReport r, VelaConfigFile config, Path cardDir) {
        boolean ran = r.npuOperators() > 0;
        VelaConfigFile.Setup setup = config.setup(r.target());
        VelaConfigFile.SystemConfig system = setup.system();
        VelaConfigFile.MemoryMode mode = setup.mode();
        VelaConfigFile.Placement placement = setup.placement();
        ModelCard.FileLink compiled = link("compiled for " + r.target(), r.compiledModel(), cardDir);
        TfliteModel file = compiled.present() ? TfliteModel.read(r.compiledModel()) : null;
        return new ModelCard.VelaFigures(r.target().accelerator(), r.target().systemConfig(), r.target().memoryMode(),
                r.target().optimise().name(), system(config, system, mode, placement),
                r.npuOperators(), r.cpuOperators(),
                ran ? r.sramKiB() : null, ran ? r.offChipFlashKiB() + r.dramKiB() : null,
                ran ? r.encodedWeightBytes() : null, ran ? r.totalCycles() : null, ran ? r.inferenceMillis() : null,
                file == null ? null : npuMemory(file, placement).orElse(null),
                compiled, file == null ? List.of() : MicroOperators.of(file));
    }

    private static ModelCard.VelaSystem system(VelaConfigFile config, VelaConfigFile.SystemConfig system,
                                               VelaConfigFile.MemoryMode mode, VelaConfigFile.Placement placement) {
        List<ModelCard.MemoryPort> ports = new ArrayList<>();
        for (VelaConfigFile.Memory m : List.of(system.axi0(), system.axi1())) {
            List<String> holds = new ArrayList<>();
            if (mode.constPort().equalsIgnoreCase(m.port())) {
                holds.add("constants");
            }
            if (mode.arenaPort().equalsIgnoreCase(m.port())) {
                holds.add("arena");
            }
            if (placement.separateFastScratch() && mode.cachePort().equalsIgnoreCase(m.port())) {
                holds.add("fast scratch");
            }
            ports.add(new ModelCard.MemoryPort(m.port(), m.kind(), m.clockHz(system.coreClockHz()), m.portsUsed(),
                    holds));
        }
        return new ModelCard.VelaSystem(packagePath(config.path()), system.coreClockHz(), ports);
    }

    /** A file of an installed Python package by its path in the package folder ("ethosu/config_files/Arm/vela.ini"), the same on every machine. */
    static String packagePath(Path file) {
        String path = file.toString().replace('\\', '/');
        int packages = path.lastIndexOf("-packages/");
        return packages < 0 ? path : path.substring(packages + "-packages/".length());
    }

    /**
     * The memory the Ethos-U operators of {@code compiled} need, from their inputs; empty when
     * nothing runs on the NPU. Several Ethos-U operators (CPU operators between them) share the
     * scratch areas, whose largest size counts, and each has its own command stream and constants.
     */
    static Optional<ModelCard.NpuMemory> npuMemory(TfliteModel compiled, VelaConfigFile.Placement placement) {
        Map<String, Long> commandStreams = new LinkedHashMap<>();
        Map<String, Long> constants = new LinkedHashMap<>();
        long scratch = 0;
        long fastScratch = 0;
        boolean any = false;
        for (TfliteModel.OperatorInfo op : compiled.operators()) {
            if (!ETHOS_U.equals(op.customCode())) {
                continue;
            }
            if (op.inputs().size() <= FAST_SCRATCH) {
                throw new IllegalArgumentException("The Ethos-U operator " + op.index() + " has " + op.inputs().size()
                        + " inputs; Vela writes command stream, read-only data, scratch and fast scratch first");
            }
            any = true;
            commandStreams.put(op.inputs().get(COMMAND_STREAM), (long) compiled.tensor(op.inputs().get(COMMAND_STREAM))
                    .bufferBytes());
            constants.put(op.inputs().get(READ_ONLY), (long) compiled.tensor(op.inputs().get(READ_ONLY)).bufferBytes());
            scratch = Math.max(scratch, elements(compiled.tensor(op.inputs().get(SCRATCH))));
            fastScratch = Math.max(fastScratch, elements(compiled.tensor(op.inputs().get(FAST_SCRATCH))));
        }
        if (!any) {
            return Optional.empty();
        }
        boolean separate = placement.separateFastScratch();
        return Optional.of(new ModelCard.NpuMemory(
                commandStreams.values().stream().mapToLong(Long::longValue).sum(),
                constants.values().stream().mapToLong(Long::longValue).sum(), placement.constants(),
                scratch, placement.arena(), separate ? fastScratch : null, separate ? placement.fastScratch() : null,
                separate ? placement.fastScratchLimitBytes() : null, plannedArenaBytes(compiled)));
    }

    /**
     * The end of the last tensor of Vela's offline plan of TensorFlow Lite Micro's tensor arena:
     * metadata "OfflineMemoryAllocation", little-endian int32 values [version, subgraph, tensor
     * count, one arena offset per tensor (-1: not planned, TensorFlow Lite Micro places it)].
     */
    static Long plannedArenaBytes(TfliteModel compiled) {
        Optional<byte[]> plan = compiled.metadata(OFFLINE_PLAN);
        if (plan.isEmpty()) {
            return null;
        }
        java.nio.IntBuffer values = java.nio.ByteBuffer.wrap(plan.get()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer();
        List<TfliteModel.TensorInfo> tensors = compiled.tensors();
        if (values.limit() < 3 || values.get(2) != tensors.size() || values.limit() < 3 + tensors.size()) {
            throw new IllegalArgumentException("The offline memory plan of the compiled model does not list its "
                    + tensors.size() + " tensors");
        }
        long end = 0;
        for (TfliteModel.TensorInfo t : tensors) {
            int offset = values.get(3 + t.index());
            if (offset >= 0) {
                end = Math.max(end, offset + elements(t) * bytesPerValue(t));
            }
        }
        return end;
    }

    private static long bytesPerValue(TfliteModel.TensorInfo t) {
        return switch (t.type()) {
            case "INT8", "UINT8", "BOOL" -> 1;
            case "INT16", "FLOAT16" -> 2;
            case "INT32", "FLOAT32" -> 4;
            case "INT64", "FLOAT64" -> 8;
            default -> throw new IllegalArgumentException("Tensor '" + t.name() + "' of the compiled model is "
                    + t.type() + "; its size in the arena is not known here");
        };
    }

    private static long elements(TfliteModel.TensorInfo t) {
        return Arrays.stream(t.shape()).asLongStream().reduce(1, (a, b) -> a * b);
    }

    /** {@code file} linked from {@code dir}: its path relative to it, SHA-256 and size; hash and size null when missing. */
    static ModelCard.FileLink link(String role, Path file, Path dir) {
        String path = dir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
        if (!Files.isRegularFile(file)) {
            return new ModelCard.FileLink(role, path, null, null);
        }
        return new ModelCard.FileLink(role, path, ModelCards.sha256(file), file.toFile().length());
    }

    // ---- the card's Markdown for these parts ----

    /** A memory kind of Vela's configuration as a person names it. */
    static String memoryName(String kind) {
        return switch (kind) {
            case "Sram" -> "SRAM";
            case "Dram" -> "DRAM";
            case "OffChipFlash" -> "off-chip flash";
            case "OnChipFlash" -> "on-chip flash at the SRAM's speed (Vela's model of read-only data in Sram_Only)";
            default -> kind;
        };
    }

    /** The "Input and output" section. */
    static String ioMarkdown(ModelCard.Io io) {
        StringBuilder md = new StringBuilder("\n## Input and output\n\n");
        md.append("| | tensor | type and shape | quantization | meaning |\n|---|---|---|---|---|\n");
        md.append("| input | `").append(io.inputTensor()).append("` | ").append(layout(io.input())).append(" | ")
                .append(quantization(io.input())).append(" | ").append(io.inputMeaning()).append(" |\n");
        md.append("| output | `").append(io.outputTensor()).append("` | ").append(layout(io.output())).append(" | ")
                .append(quantization(io.output())).append(" | ").append(io.outputMeaning()).append(" |\n");
        md.append("\n**Input**, for each pixel's gray value g: ").append(io.pixelEncoding()).append(".\n\n");
        md.append("**Output**: value i belongs to class ").append(io.classes().get(0)).append(" … ")
                .append(io.classes().get(io.classes().size() - 1)).append(" in order; ").append(io.outputDecoding())
                .append(".\n");
        return md.toString();
    }

    private static String layout(ModelCard.TensorFormat f) {
        return f.dtype() + " " + f.shape() + ", " + Format.bytes(f.bytes());
    }

    private static String quantization(ModelCard.TensorFormat f) {
        return f.scale() == null ? "none (float)"
                : "scale " + Format.number(f.scale()) + " (" + f.scale() + "), zero point " + f.zeroPoint();
    }

    /** The operators of a file as a table and the resolver code that registers them. */
    static String operatorsMarkdown(List<MicroOperators.Registration> operators) {
        StringBuilder md = new StringBuilder("| operator | operators in the file | resolver method |\n|---|---|---|\n");
        for (MicroOperators.Registration r : operators) {
            md.append("| ").append(r.customCode() == null ? r.builtin() : "CUSTOM `" + r.customCode() + "`")
                    .append(" | ").append(Format.count(r.count())).append(" | ")
                    .append(r.resolverMethod() == null ? "none known to this card: look it up in TensorFlow Lite "
                            + "Micro's micro_mutable_op_resolver.h" : "`" + r.resolverMethod() + "()`").append(" |\n");
        }
        md.append("\n```cpp\nstatic tflite::MicroMutableOpResolver<").append(operators.size()).append("> resolver;\n");
        for (MicroOperators.Registration r : operators) {
            md.append(r.resolverMethod() == null ? "// " + r.operator() + ": register by hand\n"
                    : "resolver." + r.resolverMethod() + "();\n");
        }
        md.append("```\n");
        return md.toString();
    }

    /** The "Ethos-U" section: a summary table, then one part per target. */
    static String velaMarkdown(List<ModelCard.VelaFigures> rows) {
        StringBuilder md = new StringBuilder("\n## Ethos-U (Vela estimates)\n\n");
        if (rows.isEmpty()) {
            return md.append("Not compiled by Vela when this card was written (notebook `06_ethos_u` compiles every "
                    + "model and writes the cards).\n").toString();
        }
        md.append("| accelerator | system configuration | memory mode | strategy | NPU clock | NPU ops | CPU ops "
                + "| SRAM kB | off-chip kB | encoded weights | cycles | inference |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ModelCard.VelaFigures v : rows) {
            md.append("| ").append(v.accelerator()).append(" | ").append(v.systemConfig()).append(" | ")
                    .append(v.memoryMode()).append(" | ").append(v.optimise()).append(" | ")
                    .append(Format.megahertz(v.system().coreClockHz())).append(" | ").append(v.npuOperators())
                    .append(" | ").append(v.cpuOperators()).append(" | ").append(kilobytes(v.sramKiB())).append(" | ")
                    .append(kilobytes(v.offChipFlashKiB())).append(" | ")
                    .append(v.encodedWeightBytes() == null ? "" : Format.bytes(v.encodedWeightBytes())).append(" | ")
                    .append(v.cycles() == null ? "" : Format.count(v.cycles())).append(" | ")
                    .append(v.inferenceMillis() == null ? "" : Format.millis(v.inferenceMillis())).append(" |\n");
        }
        md.append("\nSRAM and off-chip (flash or DRAM) are what Vela's summary reports as used; Vela's cycles and "
                + "times are estimates for its own decisions, not measurements.\n");
        for (ModelCard.VelaFigures v : rows) {
            md.append(target(v));
        }
        return md.toString();
    }

    private static String target(ModelCard.VelaFigures v) {
        StringBuilder md = new StringBuilder("\n### ").append(v.accelerator()).append(", ").append(v.systemConfig())
                .append(", ").append(v.memoryMode()).append(", ").append(v.optimise()).append("\n\n");
        md.append("Compiled with `vela --accelerator-config ").append(v.accelerator()).append(" --config ")
                .append(org.condition4j.vela.Vela.CONFIG).append(" --system-config ").append(v.systemConfig())
                .append(" --memory-mode ").append(v.memoryMode()).append(" --optimise ").append(v.optimise())
                .append("`. The system as Vela's configuration file (`").append(v.system().configFile())
                .append("` in Vela's installed package) defines it: NPU clock ").append(Format.megahertz(v.system().coreClockHz()))
                .append(", and\n\n| AXI port | memory | clock | AXI ports used | holds in this memory mode |\n"
                        + "|---|---|---|---|---|\n");
        for (ModelCard.MemoryPort p : v.system().memories()) {
            md.append("| ").append(p.port()).append(" | ").append(memoryName(p.kind())).append(" | ")
                    .append(Format.megahertz(p.clockHz())).append(" | ").append(p.portsUsed()).append(" | ")
                    .append(p.holds().isEmpty() ? "nothing" : String.join(", ", p.holds().stream().map(
                            DeploymentFacts::holding).toList())).append(" |\n");
        }
        md.append("\n");
        ModelCard.NpuMemory m = v.memory();
        if (!v.compiledModel().present()) {
            md.append("The compiled model `").append(v.compiledModel().path()).append("` was missing when this card "
                    + "was written (notebook `06_ethos_u` compiles it), so its memory and operators are not on "
                    + "this card.\n");
            return md.toString();
        }
        if (m == null) {
            md.append("Nothing of this model runs on the NPU: the compiled file holds only CPU operators.\n");
        } else {
            md.append(memoryMarkdown(m));
        }
        md.append("\nOperators to register in TensorFlow Lite Micro for the compiled file (read from it")
                .append(m == null ? "" : "; TensorFlow Lite Micro must be built for the Ethos-U, with its driver, "
                        + "or `AddEthosU()` registers nothing").append("):\n\n")
                .append(operatorsMarkdown(v.operators()));
        return md.toString();
    }

    private static String holding(String what) {
        return switch (what) {
            case "constants" -> "read-only constants (the model file: weights, scales, command stream)";
            case "arena" -> "tensor arena (activations, input, output)";
            case "fast scratch" -> "fast scratch (the NPU's cache of the arena)";
            default -> what;
        };
    }

    private static String memoryMarkdown(ModelCard.NpuMemory m) {
        StringBuilder md = new StringBuilder("Memory the NPU part needs, read from the inputs of the compiled "
                + "file's Ethos-U operator:\n\n");
        md.append("- **scratch**: ").append(size(m.arenaBytes())).append(" in ").append(memoryName(m.arenaIn()))
                .append(": the intermediate tensors, the input and the output. TensorFlow Lite Micro allocates it in "
                        + "its tensor arena, so that arena belongs in ").append(memoryName(m.arenaIn())).append(".\n");
        if (m.fastScratchBytes() != null) {
            md.append("- **fast scratch**: ").append(size(m.fastScratchBytes())).append(" in ")
                    .append(memoryName(m.fastScratchIn())).append(", the NPU's cache of the arena")
                    .append(m.fastScratchLimitBytes() == null ? ""
                            : " (the memory mode allows it " + size(m.fastScratchLimitBytes()) + ")")
                    .append(". Give the Ethos-U driver a fast memory area of at least this size in ")
                    .append(memoryName(m.fastScratchIn())).append(" (`ethosu_init`'s fast memory and its size); "
                            + "without one, the driver uses the area TensorFlow Lite Micro allocated for it in the "
                            + "tensor arena.\n");
        }
        md.append("- **read-only**: ").append(size(m.constantsBytes())).append(" of encoded weights and scales and a ")
                .append(size(m.commandStreamBytes())).append(" command stream, inside the compiled model file, "
                        + "which this memory mode keeps in ").append(memoryName(m.constantsIn())).append(".\n");
        if (m.plannedArenaBytes() != null) {
            md.append("- **tensor arena**: Vela's offline plan in the file (metadata `").append(OFFLINE_PLAN)
                    .append("`) places the scratch areas, input and output in the first ")
                    .append(size(m.plannedArenaBytes())).append(" of TensorFlow Lite Micro's tensor arena.\n");
        }
        md.append("\nTensorFlow Lite Micro's arena needs more than that for its own bookkeeping (tensor and operator "
                + "structures, persistent buffers, the Ethos-U operator's address tables), which depends on the "
                + "TensorFlow Lite Micro version and build: measure it on the target (after `AllocateTensors()`, "
                + "`interpreter.arena_used_bytes()`; a `tflite::RecordingMicroInterpreter` breaks it down) and size "
                + "the arena from that.\n");
        return md.toString();
    }

    private static String size(long bytes) {
        return Format.bytes(bytes) + " (" + Format.kilobytes(bytes) + ")";
    }

    /** Vela's KiB as kB, the unit every size of the project is written in; blank when unmeasured. */
    static String kilobytes(Double kib) {
        return kib == null ? "" : Format.kilobytesValue(Math.round(kib * 1024));
    }

    /** The "Files" section: every file the card refers to, linked, with its SHA-256, or said to be missing. */
    static String filesMarkdown(List<ModelCard.FileLink> files, List<ModelCard.VelaFigures> vela) {
        StringBuilder md = new StringBuilder("\n## Files\n\nPaths are relative to this card's folder.\n\n"
                + "| file | what | SHA-256 | size |\n|---|---|---|---|\n");
        List<ModelCard.FileLink> all = new ArrayList<>(files);
        vela.forEach(v -> all.add(v.compiledModel()));
        for (ModelCard.FileLink f : all) {
            md.append("| ").append(f.present() ? "[" + f.path() + "](" + f.path() + ")" : "`" + f.path() + "`")
                    .append(" | ").append(f.role()).append(" | ")
                    .append(f.present() ? "`" + f.sha256() + "`" : "missing when this card was written")
                    .append(" | ").append(f.present() ? Format.bytes(f.bytes()) : "").append(" |\n");
        }
        return md.toString();
    }
}
