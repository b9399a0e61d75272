package org.condition4j.qat;

import org.condition4j.report.Tables;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Set;

import static org.condition4j.qat.QatFixtures.mnist;
import static org.condition4j.qat.QatFixtures.trainedSeed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QAT on the seed CNN: Conv, Conv, MaxPool, Conv, MaxPool, Dense softmax. */
class QuantizationAwareTrainingTest {
    private static final Set<Integer> WEIGHTED = Set.of(0, 1, 3, 5);

    private static Layer layer(MultiLayerNetwork net, int index) {
        return net.getLayerWiseConfigurations().getConf(index).getLayer();
    }

    @Test
    void preparesACopyAndLeavesTheOriginalUntouched() {
        MultiLayerNetwork seed = trainedSeed();
        String conf = seed.getLayerWiseConfigurations().toJson();
        INDArray params = seed.params().dup();

        QatModel qat = QuantizationAwareTraining.prepare(seed);
        assertEquals(params, qat.network().params(), "QAT starts from the trained weights");
        QatFixtures.quietly(qat.network()).fit(mnist().train(QatFixtures.BATCH, 256), null, 1);

        assertNotEquals(params, qat.network().params(), "QAT training moved its weights");
        assertEquals(params, seed.params());
        assertEquals(conf, seed.getLayerWiseConfigurations().toJson());
    }

    @Test
    void fakeQuantizesWhereTheInt8GraphRounds() {
        MultiLayerNetwork net = QuantizationAwareTraining.prepare(trainedSeed()).network();
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = layer(net, i);
            if (!WEIGHTED.contains(i)) {
                assertTrue(!(layer instanceof BaseLayer), "layer " + i + " is a pooling layer and stays as it is");
                continue;
            }
            BaseLayer weighted = (BaseLayer) layer;
            assertInstanceOf(WeightFakeQuant.class, weighted.getWeightNoise(), "weights of layer " + i);
            if (i == 5) {
                assertInstanceOf(FakeQuantSoftmax.class, weighted.getActivationFn(), "logits of the output layer");
            } else {
                FakeQuantActivation activation = assertInstanceOf(FakeQuantActivation.class, weighted.getActivationFn());
                assertInstanceOf(ActivationReLU.class, activation.getWrapped(), "quantized after the fused ReLU");
            }
        }
        assertInstanceOf(InputFakeQuant.class, layer(net, 0).getIDropout(), "the network input");
    }

    @Test
    void firstBatchInitialisesTheRangesAndLaterBatchesMoveThemByTheMovingAverage() {
        double decay = 0.8;
        QatModel qat = QuantizationAwareTraining.prepare(trainedSeed(), decay);
        MultiLayerNetwork net = qat.network();
        List<DataSet> batches = List.of(batch(0), batch(1), batch(2));

        double expectedMax = 0;
        for (int b = 0; b < batches.size(); b++) {
            DataSet batch = batches.get(b);
            // Layer 0's output before quantization, at the weights this step computes with:
            // relu(conv(x, quantized W) + b). MNIST pixels are already on the input grid.
            double batchMax = QatFixtures.quantizedWeightCopy(qat).feedForwardToLayer(0, batch.getFeatures(), false)
                    .get(1).maxNumber().doubleValue();
            expectedMax = b == 0 ? batchMax : expectedMax + (batchMax - expectedMax) * (1 - decay);
            net.fit(batch);
            MovingAverageRange conv1 = ((FakeQuantActivation) ((BaseLayer) layer(net, 0)).getActivationFn()).getRange();
            assertEquals(0, conv1.getMin(), "after ReLU the range starts at 0");
            assertEquals(expectedMax, conv1.getMax(), 1e-5 * expectedMax, "layer 0 max after batch " + b);
        }
        LearnedRanges ranges = qat.activationRanges();
        assertEquals(0, ranges.input().min());
        assertEquals(1, ranges.input().max(), 1e-6, "MNIST pixels fill [0, 1]");
        assertEquals(WEIGHTED, ranges.layers().keySet());
        for (int i : WEIGHTED) {
            assertEquals(3, rangeOf(net, i).getBatches(), "layer " + i + " observed each step once");
        }
        assertTrue(ranges.layers().get(5).min() < 0 && ranges.layers().get(5).max() > 0, "logits take both signs");
        assertEquals(ranges.layers().get(1), ranges.forLayer(2), "max pooling keeps its input's range");
        assertEquals(ranges.layers().get(3), ranges.forLayer(4));
    }

    @Test
    void inferenceAndScoringLeaveTheRangesAlone() {
        QatModel qat = QuantizationAwareTraining.prepare(trainedSeed());
        qat.network().fit(batch(0));
        LearnedRanges learned = qat.activationRanges();
        DataSet other = batch(1);
        qat.network().output(other.getFeatures());
        qat.network().score(other); // DL4J evaluates the output activation in training mode here
        qat.network().evaluate(new ListDataSetIterator<>(List.of(other)));
        assertEquals(learned, qat.activationRanges());
        assertEquals(1, rangeOf(qat.network(), 5).getBatches());
    }

    private static DataSet batch(int index) {
        return QatFixtures.trainBatch(index);
    }

    private static MovingAverageRange rangeOf(MultiLayerNetwork net, int index) {
        Object activation = ((BaseLayer) layer(net, index)).getActivationFn();
        return activation instanceof FakeQuantActivation a ? a.getRange() : ((FakeQuantSoftmax) activation).getRange();
    }


    @Test
    void tableListsEachLayersQuantizationAndLearnedRange() {
        QatModel qat = QuantizationAwareTraining.prepare(trainedSeed());
        assertTrue(Tables.of(qat).doubleColumn("range max").isMissing().size() == 7, "no ranges before training");
        qat.network().fit(batch(0));
        Table table = Tables.of(qat);
        assertEquals(7, table.rowCount(), "the input and six layers");
        assertEquals("int8, 32 channel scales", table.stringColumn("weights").get(1));
        assertEquals("int8, 1 scale", table.stringColumn("weights").get(6));
        assertEquals("logits, before softmax", table.stringColumn("int8 tensor").get(6));
        assertEquals("keeps its input's quantization", table.stringColumn("int8 tensor").get(3));
        LearnedRanges ranges = qat.activationRanges();
        assertEquals(ranges.input().max(), table.doubleColumn("range max").get(0));
        assertEquals(ranges.layers().get(5).min(), table.doubleColumn("range min").get(6));
    }

    @Test
    void stripIsThePlainNetworkWithTheTrainedWeights() {
        QatModel qat = QuantizationAwareTraining.prepare(trainedSeed());
        qat.network().fit(batch(0));
        MultiLayerNetwork plain = qat.strip();
        assertEquals(qat.network().params(), plain.params());
        MultiLayerConfiguration original = MultiLayerConfiguration.fromJson(
                trainedSeed().getLayerWiseConfigurations().toJson());
        for (int i = 0; i < plain.getnLayers(); i++) {
            assertEquals(original.getConf(i).getLayer(), layer(plain, i), "layer " + i);
        }
        assertNull(layer(plain, 0).getIDropout());
    }
}
