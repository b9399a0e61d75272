package org.condition4j.workshop;

import org.condition4j.vela.VelaTarget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the card's deployment facts are checked against, none of it through the code under test:
 * a .tflite file read by Vela's own flatbuffer schema in Python (operator codes, the Ethos-U
 * operator's input tensors, the offline arena plan), Vela's printout of the configuration it used
 * ({@code --verbose-config}), and Vela's summary CSV read here.
 */
final class VelaOracle {
    private VelaOracle() {}

    /** One file as Python and Vela's schema read it. */
    record FileView(List<String> operators, List<Long> ethosUInputBytes, Long plannedArenaEnd) {}

    private static final String SCRIPT = """
            import sys, struct
            from ethosu.vela.tflite.Model import Model
            from ethosu.vela.tflite.BuiltinOperator import BuiltinOperator
            names = {v: k for k, v in vars(BuiltinOperator).items() if not k.startswith('_')}
            buf = open(sys.argv[1], 'rb').read()
            m = Model.GetRootAsModel(buf, 0)
            g = m.Subgraphs(0)
            sizes = {0: 4, 3: 1, 9: 1, 2: 4, 7: 2, 6: 1}  # FLOAT32, UINT8, INT8, INT32, INT16, BOOL
            def nbytes(t):
                n = 1
                for d in t.ShapeAsNumpy().tolist() if t.ShapeLength() else []:
                    n *= d
                return n * sizes[t.Type()]
            for i in range(g.OperatorsLength()):
                op = g.Operators(i)
                c = m.OperatorCodes(op.OpcodeIndex())
                name = names[max(c.BuiltinCode(), c.DeprecatedBuiltinCode())]
                custom = c.CustomCode().decode() if c.CustomCode() else '-'
                print('op', name, custom)
                if custom == 'ethos-u':
                    for j in range(op.InputsLength()):
                        t = g.Tensors(op.Inputs(j))
                        data = m.Buffers(t.Buffer()).DataLength()
                        print('in', j, data if data else nbytes(t))
            for k in range(m.MetadataLength()):
                md = m.Metadata(k)
                if md.Name().decode() == 'OfflineMemoryAllocation':
                    b = m.Buffers(md.Buffer()).DataAsNumpy().tobytes()
                    v = struct.unpack('<%di' % (len(b) // 4), b)
                    print('plan', max(v[3 + i] + nbytes(g.Tensors(i)) for i in range(g.TensorsLength()) if v[3 + i] >= 0))
            """;

    static FileView read(Path tflite) {
        String out = run(List.of(ProjectDirs.python().toString(), "-c", SCRIPT, tflite.toString()));
        List<String> ops = new ArrayList<>();
        List<Long> inputs = new ArrayList<>();
        Long plan = null;
        for (String line : out.split("\\R")) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "op" -> ops.add(f[2].equals("-") ? f[1] : f[2]);
                case "in" -> inputs.add(Long.parseLong(f[2]));
                case "plan" -> plan = Long.parseLong(f[1]);
                default -> { }
            }
        }
        return new FileView(ops, inputs, plan);
    }

    /** How many operators of each kind (builtin name, or custom code), in order of first use. */
    static Map<String, Integer> counts(List<String> operators) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        operators.forEach(op -> counts.merge(op, 1, Integer::sum));
        return counts;
    }

    /** Vela's own account of the system configuration and memory mode it compiled {@code model} for. */
    static Map<String, String> verboseConfig(Path model, VelaTarget target, Path outputDir) {
        String out = run(List.of(ProjectDirs.vela().toString(), model.toString(),
                "--accelerator-config", target.accelerator(), "--config", "Arm/vela.ini",
                "--system-config", target.systemConfig(), "--memory-mode", target.memoryMode(),
                "--optimise", target.optimise().name(), "--verbose-config", "--output-dir", outputDir.toString()));
        Map<String, String> values = new HashMap<>();
        Matcher m = Pattern.compile("^ {3}(\\w+) = (\\S+)", Pattern.MULTILINE).matcher(out);
        while (m.find()) {
            values.putIfAbsent(m.group(1), m.group(2));
        }
        return values;
    }

    /** Vela's summary CSV: header row to data row. */
    static Map<String, String> summary(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        String[] header = lines.get(0).split(",", -1);
        String[] row = lines.get(1).split(",", -1);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            values.put(header[i].trim(), row[i].trim());
        }
        return values;
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new AssertionError(command.get(0) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
