package org.condition4j.workshop;

import org.condition4j.data.Mnist;
import org.condition4j.runtime.LiteRt;
import org.condition4j.vela.Vela;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.nio.file.Path;

/**
 * What every notebook starts from, from {@link Workshop#start()}: the run parameters, MNIST, the
 * folder the notebook writes to, and the project's LiteRT and Vela. The baseline is loaded (or
 * trained, the first time) only when a notebook asks for it.
 */
public record Session(RunParameters params, Mnist mnist, Path models, LiteRt liteRt, Vela vela) {

    /** The trained seed CNN every technique starts from; trained and saved if there is none yet. */
    public MultiLayerNetwork baseline() {
        return Baseline.loadOrTrain(mnist, params);
    }
}
