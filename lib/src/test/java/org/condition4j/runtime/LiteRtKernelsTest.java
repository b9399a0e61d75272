package org.condition4j.runtime;

import org.condition4j.graph.InferenceGraph;
import org.condition4j.graph.Softmax;
import org.condition4j.graph.TestNetworks;
import org.condition4j.quantize.PostTrainingQuantization;
import org.condition4j.quantize.QuantizedGraph;
import org.condition4j.tflite.IntegerReference;
import org.condition4j.tflite.TfliteExport;
import org.condition4j.workshop.Workshop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Current LiteRT computes, bit for bit, what the integer reference of its kernels computes: XNNPACK
 * (what users get) requantizes in float32, the reference kernels round twice in convolutions and
 * once in FULLY_CONNECTED. Where TFLite 2.6 and LiteRT differ, they differ only by that rounding.
 * The comparison is of arithmetic, not of trained results, so it holds for any weights: no bound
 * read off one machine's network. Only the int8 SOFTMAX is not reproduced (each kernel
 * approximates the exponential its own way): its outputs must lie within one step (1/256) of the
 * exact softmax of the very logits that kernel produced, i.e. the approximation may tip a value
 * that lies near a rounding boundary, and no more.
 */
class LiteRtKernelsTest {
    private static final int IMAGES = 100;

    @Test
    void xnnpackIsTheFloat32RequantizingReference(@TempDir Path dir) {
        assertLikeTheReference(LiteRt.Kernels.XNNPACK, IntegerReference.Kernels.XNNPACK, dir);
    }

    @Test
    void referenceKernelsAreTheirIntegerReference(@TempDir Path dir) {
        assertLikeTheReference(LiteRt.Kernels.REFERENCE, IntegerReference.Kernels.LITERT_REFERENCE, dir);
    }

    private static void assertLikeTheReference(LiteRt.Kernels kernels, IntegerReference.Kernels reference, Path dir) {
        List<String> differences = new ArrayList<>();
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {TestNetworks.seedCnn(), TestNetworks.everyLayer()}) {
            Run run = new Run(net, dir);
            differences.addAll(run.endToEnd(kernels, reference));
            if (!differences.isEmpty()) {
                // name the op that differs first: each op run on LiteRT's own input to it
                differences.addAll(run.opByOp(kernels, reference));
            }
        }
        assertEquals(List.of(), differences, "LiteRT " + kernels + " against the integer reference of " + reference);
    }

    /** One network's int8 model and the test images, as int8 input tensors. */
    private static final class Run {
        final InferenceGraph graph;
        final QuantizedGraph q;
        final int[][] inputs;
        final byte[] inputBytes;
        final Path dir;

        Run(MultiLayerNetwork net, Path dir) {
            this.dir = dir;
            graph = InferenceGraph.of(net);
            q = PostTrainingQuantization.calibrate(graph, TestNetworks.mnist().trainSample(100));
            float[][] images = graph.inputs(TestNetworks.mnist().testSample(IMAGES).getFeatures());
            inputs = new int[IMAGES][];
            for (int i = 0; i < IMAGES; i++) {
                inputs[i] = IntegerReference.quantize(images[i], q.params(0));
            }
            inputBytes = bytes(inputs);
        }

        /** The logits exactly as the reference computes them; the softmax within one step of the exact one of those logits. */
        List<String> endToEnd(LiteRt.Kernels kernels, IntegerReference.Kernels arithmetic) {
            IntegerReference reference = new IntegerReference(q, arithmetic);
            int ops = graph.ops().size();
            boolean softmax = graph.op(ops - 1) instanceof Softmax;
            int logitsOp = softmax ? ops - 1 : ops;
            int[][] want = new int[IMAGES][];
            for (int i = 0; i < IMAGES; i++) {
                want[i] = reference.runQuantized(inputs[i])[logitsOp];
            }
            List<String> differences = new ArrayList<>();
            int[][] logits = run(logitsOp, kernels);
            compare(graph.op(logitsOp - 1).name() + " (logits)", want, logits, 0, differences);
            if (softmax) {
                int[][] exact = new int[IMAGES][];
                for (int i = 0; i < IMAGES; i++) {
                    exact[i] = IntegerReference.exactSoftmax(logits[i], q.params(logitsOp));
                }
                compare(graph.op(logitsOp).name() + " (softmax)", exact, run(ops, kernels), 1, differences);
            }
            return differences;
        }

        /** Each op of the reference on LiteRT's own input to it, against LiteRT's output of that op. */
        List<String> opByOp(LiteRt.Kernels kernels, IntegerReference.Kernels arithmetic) {
            IntegerReference reference = new IntegerReference(q, arithmetic);
            List<String> differences = new ArrayList<>();
            int[][] before = inputs;
            for (int k = 0; k < graph.ops().size(); k++) {
                int[][] after = run(k + 1, kernels);
                int[][] want = new int[IMAGES][];
                for (int i = 0; i < IMAGES; i++) {
                    want[i] = graph.op(k) instanceof Softmax
                            ? IntegerReference.exactSoftmax(before[i], q.params(k))
                            : reference.runOp(k, before[i]);
                }
                compare("op " + k + " " + graph.op(k).name() + " alone", want, after,
                        graph.op(k) instanceof Softmax ? 1 : 0, differences);
                before = after;
            }
            return differences;
        }

        /** LiteRT's tensor after the first {@code opCount} ops, per image. */
        int[][] run(int opCount, LiteRt.Kernels kernels) {
            Path cut = TfliteExport.int8(q.prefix(opCount)).writeTo(dir.resolve("ops" + opCount + ".tflite"));
            byte[] out = Workshop.liteRt().run(cut, inputBytes, kernels).bytes();
            int size = out.length / IMAGES;
            int[][] tensors = new int[IMAGES][size];
            for (int i = 0; i < IMAGES; i++) {
                for (int v = 0; v < size; v++) {
                    tensors[i][v] = out[i * size + v];
                }
            }
            return tensors;
        }
    }

    private static void compare(String what, int[][] want, int[][] actual, int allowed, List<String> differences) {
        int beyond = 0;
        int worst = 0;
        String first = "";
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, actual[i].length, what + ": tensor size");
            for (int v = 0; v < want[i].length; v++) {
                int d = Math.abs(want[i][v] - actual[i][v]);
                worst = Math.max(worst, d);
                if (d > allowed && beyond++ == 0) {
                    first = " (first: image " + i + " value " + v + ", reference " + want[i][v] + ", LiteRT "
                            + actual[i][v] + ")";
                }
            }
        }
        if (beyond > 0) {
            differences.add(what + ": " + beyond + " of " + want.length * want[0].length + " values more than "
                    + allowed + " step(s) apart, up to " + worst + first);
        }
    }

    private static byte[] bytes(int[][] tensors) {
        byte[] all = new byte[tensors.length * tensors[0].length];
        for (int i = 0; i < tensors.length; i++) {
            for (int v = 0; v < tensors[i].length; v++) {
                all[i * tensors[i].length + v] = (byte) tensors[i][v];
            }
        }
        return all;
    }
}
