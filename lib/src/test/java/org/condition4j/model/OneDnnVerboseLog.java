package org.condition4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * oneDNN's verbose log of a training run, read for the training-speed benchmark: the primitives
 * created and executed between two wall-clock instants (the timed steps), grouped by kind.
 * Reads both formats: oneDNN 2.x as bundled by nd4j-native ({@code DNNL_VERBOSE=2},
 * {@code DNNL_VERBOSE_TIMESTAMP=1}: {@code dnnl_verbose,<ms>,exec,cpu,<primitive>,<implementation>,
 * <propagation>,<memory>,<attributes>,<auxiliary>,<problem>,<ms>}) and oneDNN 3.x as bundled by
 * TensorFlow ({@code ONEDNN_VERBOSE=2}, {@code ONEDNN_VERBOSE_TIMESTAMP=1}: the same fields after
 * {@code onednn_verbose,v1,<ms>,primitive,}). Lines of other kinds (info, graph) are skipped.
 */
record OneDnnVerboseLog(List<Call> calls) {

    /** One line: a primitive executed ({@code create == false}) or created (cache hit or miss). */
    record Call(double timestamp, String operation, String primitive, String implementation, String propagation,
                String auxiliary, String problem, double millis) {
        boolean create() {
            return operation.startsWith("create");
        }

        boolean cacheMiss() {
            return operation.equals("create:cache_miss");
        }

        /**
         * The kind the comparison groups by: primitive and direction ("convolution backward
         * weights"); reorders split into activations (first dimension the batch) and weights.
         */
        String kind(int batch) {
            String name = primitive.replace("pooling_v2", "pooling");
            if (name.equals("reorder")) {
                return problem.startsWith(batch + "x") ? "reorder, activations" : "reorder, weights";
            }
            if (name.equals("eltwise") && auxiliary.startsWith("alg:")) {
                name = auxiliary.substring(4).split(" ")[0]; // "alg:eltwise_relu alpha:0 beta:0"
            }
            String direction = switch (propagation) {
                case "forward_training", "forward_inference", "forward" -> "forward";
                case "backward_data" -> "backward data";
                case "backward_weights" -> "backward weights";
                case "backward" -> "backward";
                default -> "";
            };
            return direction.isEmpty() ? name : name + " " + direction;
        }
    }

    /** The primitive lines of {@code log}, in the order printed. */
    static OneDnnVerboseLog parse(String log) {
        List<Call> calls = new ArrayList<>();
        for (String line : log.split("\n")) {
            String[] f = line.trim().split(",", -1);
            int first; // index of the timestamp
            if (f[0].equals("dnnl_verbose")) {
                first = 1;
            } else if (f[0].equals("onednn_verbose") && f.length > 3 && f[1].startsWith("v") && f[3].equals("primitive")) {
                first = 2;
            } else {
                continue;
            }
            int op = first == 1 ? 2 : 4; // oneDNN 3.x puts the component ("primitive") between timestamp and operation
            if (f.length < op + 10 || !isNumber(f[first]) || !(f[op].equals("exec") || f[op].startsWith("create"))) {
                continue;
            }
            calls.add(new Call(Double.parseDouble(f[first]), f[op], f[op + 2], f[op + 3], f[op + 4], f[op + 7], f[op + 8],
                    Double.parseDouble(f[op + 9])));
        }
        return new OneDnnVerboseLog(calls);
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The calls printed from {@code from} to {@code to} (milliseconds since the epoch, both included). */
    OneDnnVerboseLog between(double from, double to) {
        return new OneDnnVerboseLog(calls.stream().filter(c -> c.timestamp() >= from && c.timestamp() <= to).toList());
    }

    /** Executions per kind, in order of first appearance. */
    Map<String, Kind> executionsByKind(int batch) {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        for (Call c : calls) {
            if (!c.create()) {
                kinds.computeIfAbsent(c.kind(batch), k -> new Kind()).add(c);
            }
        }
        return kinds;
    }

    /** Creation lines (cache hits and misses together). */
    Kind creations() {
        Kind k = new Kind();
        calls.stream().filter(Call::create).forEach(k::add);
        return k;
    }

    long cacheMisses() {
        return calls.stream().filter(Call::cacheMiss).count();
    }

    /** Milliseconds of all executions. */
    double executionMillis() {
        return calls.stream().filter(c -> !c.create()).mapToDouble(Call::millis).sum();
    }

    /** Count, time and implementations of the calls of one kind. */
    static final class Kind {
        int count;
        double millis;
        final TreeSet<String> implementations = new TreeSet<>();

        void add(Call c) {
            count++;
            millis += c.millis();
            implementations.add(c.implementation());
        }
    }
}
