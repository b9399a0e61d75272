package org.nd4j.nativeblas;

/**
 * Compatibility shim, not part of condition4j's API.
 *
 * <p>Deeplearning4j 1.0.0-M2.1 decides whether to use its oneDNN convolution helpers by looking up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()} reflectively, but nd4j-native
 * M2.1 moved that binding to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment
 * .isUseONEDNN()}. Without a class at the old name the check fails and training runs about ten
 * times slower. This class answers at the old name by asking the new binding.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
