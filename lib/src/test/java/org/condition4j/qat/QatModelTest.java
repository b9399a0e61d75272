package org.condition4j.qat;

import org.condition4j.model.ModelStore;
import org.condition4j.model.SeedCnn;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;

import static org.condition4j.qat.QatFixtures.trainBatch;
import static org.condition4j.qat.QatFixtures.trainedSeed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QatModelTest {

    @Test
    void savedAndLoadedNetworkKeepsItsRangesAndPredictionsAndTrainsOn(@TempDir Path dir) {
        QatModel qat = QuantizationAwareTraining.prepare(trainedSeed());
        qat.network().fit(trainBatch(0));
        qat.network().fit(trainBatch(1));
        Path file = dir.resolve("qat.zip");
        ModelStore.save(qat.network(), file);

        QatModel loaded = QatModel.of(ModelStore.load(file));
        assertEquals(qat.activationRanges(), loaded.activationRanges());
        DataSet test = trainBatch(7);
        INDArray expected = qat.network().output(test.getFeatures());
        assertEquals(expected, loaded.network().output(test.getFeatures()), "identical predictions");

        // Both carry on identically: same weights, same optimizer state, same ranges.
        qat.network().fit(trainBatch(2));
        loaded.network().fit(trainBatch(2));
        assertEquals(qat.activationRanges(), loaded.activationRanges());
        assertEquals(qat.network().params(), loaded.network().params());
        assertEquals(3, ((FakeQuantSoftmax) ((org.deeplearning4j.nn.conf.layers.BaseLayer) loaded.network()
                .getLayerWiseConfigurations().getConf(5).getLayer()).getActivationFn()).getRange().getBatches());
    }

    @Test
    void rangesBeforeTheFirstTrainingStepAreAClearError() {
        QatModel qat = QuantizationAwareTraining.prepare(trainedSeed());
        assertFalse(qat.isTrained());
        IllegalStateException e = assertThrows(IllegalStateException.class, qat::activationRanges);
        assertTrue(e.getMessage().contains("Train it first"), e.getMessage());
        qat.network().fit(trainBatch(0));
        assertTrue(qat.isTrained());
    }

    @Test
    void unsupportedLayersAndActivationsAreNamed() {
        MultiLayerNetwork lstm = init(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        assertMessage(() -> QuantizationAwareTraining.prepare(lstm), "layer 0 (LSTM", "not supported");

        MultiLayerNetwork tanh = init(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden").nIn(4).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        assertMessage(() -> QuantizationAwareTraining.prepare(tanh), "layer 1 (DenseLayer 'hidden')", "tanh");

        MultiLayerNetwork hiddenSoftmax = init(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.SOFTMAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        assertMessage(() -> QuantizationAwareTraining.prepare(hiddenSoftmax), "layer 0 (DenseLayer", "softmax");

        MultiLayerNetwork leaky = init(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.LEAKYRELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build());
        assertMessage(() -> QuantizationAwareTraining.prepare(leaky), "layer 0 (DenseLayer", "leakyrelu");
    }

    @Test
    void badNetworksAreRefusedWithWhatToDo() {
        assertMessage(() -> QuantizationAwareTraining.prepare(null), "No network");
        MultiLayerNetwork uninitialised = new MultiLayerNetwork(SeedCnn.create().getLayerWiseConfigurations());
        assertMessage(() -> QuantizationAwareTraining.prepare(uninitialised), "not initialised", "net.init()");
        assertMessage(() -> QuantizationAwareTraining.prepare(trainedSeed(), 1.5), "decay 1.5");

        QatModel qat = QuantizationAwareTraining.prepare(trainedSeed());
        assertMessage(() -> QuantizationAwareTraining.prepare(qat.network()), "already quantization-aware",
                "QatModel.of");
        assertMessage(() -> QatModel.of(trainedSeed()), "layer 0 (ConvolutionLayer 'conv1')",
                "not quantization-aware", "QuantizationAwareTraining.prepare");
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' missing from: " + e.getMessage());
        }
    }
}
