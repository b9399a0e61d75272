package org.condition4j.backend;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Starts ND4J's CPU back-end with oneDNN switched on. Without these settings Deeplearning4j
 * 1.0.0-M2.1 never uses its oneDNN convolution helpers and trains the seed CNN about ten
 * times slower. The properties must be set before ND4J and JavaCPP load, so every entry point
 * of the library calls {@link #start()} first; the kernel and the test JVMs also pass them on
 * the command line.
 */
public final class Backend {
    /** DL4J creates layer helpers (oneDNN, cuDNN) only when this is false. */
    static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    /** Makes JavaCPP load the nd4j-native build with oneDNN inside. */
    static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";

    private static volatile boolean started;

    private Backend() {}

    public static synchronized void start() {
        if (started) {
            return;
        }
        System.setProperty(HELPERS_DISABLE, "false");
        if (System.getProperty(PLATFORM_EXTENSION) == null) {
            System.setProperty(PLATFORM_EXTENSION, "-onednn");
        }
        // Telemetry off for DJL's TFLite engine, which is used for evaluation.
        if (System.getProperty("offline") == null) {
            System.setProperty("offline", "true");
        }
        Nd4j.create(1); // loads the native back-end now, with the settings above
        started = true;
    }

    /** Whether DL4J's convolution layers will use the oneDNN helper. */
    public static boolean oneDnnEnabled() {
        start();
        return BaseMKLDNNHelper.mklDnnEnabled();
    }
}
