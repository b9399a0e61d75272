package org.condition4j.graph;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceGraphTest {

    @Test
    void floatGraphOfSeedCnnMatchesDl4j() {
        assertGraphMatchesDl4j(TestNetworks.seedCnn());
    }

    @Test
    void floatGraphOfEveryLayerNetworkMatchesDl4j() {
        assertGraphMatchesDl4j(TestNetworks.everyLayer());
    }

    @Test
    void everyLayerTensorMatchesDl4jActivations() {
        MultiLayerNetwork net = TestNetworks.everyLayer();
        InferenceGraph graph = InferenceGraph.of(net);
        DataSet test = TestNetworks.mnist().testSample(20);
        java.util.List<INDArray> activations = net.feedForward(test.getFeatures(), false);
        float[][] inputs = graph.inputs(test.getFeatures());
        FloatInference inference = FloatInference.of(graph);
        StringBuilder report = new StringBuilder();
        double worstOverall = 0;
        for (int k = 0; k < graph.ops().size(); k++) {
            Op op = graph.op(k);
            if (op.layer() < 0) {
                continue;
            }
            INDArray layerOut = activations.get(op.layer() + 1);
            double worst = 0;
            for (int i = 0; i < inputs.length; i++) {
                float[] actual = inference.runAll(inputs[i])[k + 1];
                float[] want = InferenceGraph.toNhwc(layerOut.slice(i).dup('c').data().asFloat(), op.outputShape());
                for (int c = 0; c < want.length; c++) {
                    worst = Math.max(worst, Math.abs(actual[c] - want[c]));
                }
            }
            report.append(op.name()).append(": ").append(worst).append('\n');
            worstOverall = Math.max(worstOverall, worst);
        }
        System.out.println(report);
        assertTrue(worstOverall < 1e-4, report.toString());
    }

    private static void assertGraphMatchesDl4j(MultiLayerNetwork net) {
        InferenceGraph graph = InferenceGraph.of(net);
        DataSet test = TestNetworks.mnist().testSample(100);
        INDArray expected = net.output(test.getFeatures(), false);
        float[][] inputs = graph.inputs(test.getFeatures());
        FloatInference inference = FloatInference.of(graph);
        double worst = 0;
        for (int i = 0; i < inputs.length; i++) {
            float[] actual = inference.run(inputs[i]);
            float[] want = expected.getRow(i).toFloatVector();
            for (int c = 0; c < want.length; c++) {
                worst = Math.max(worst, Math.abs(actual[c] - want[c]));
            }
        }
        assertTrue(worst < 1e-4, "largest difference to DL4J " + worst);
    }
}
