package org.condition4j.vela;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vela's summary of one compilation: how many operators run on the NPU and how many stay on the
 * CPU (and which: operator type and output tensor), the memory used (KiB), the size of the weights before and after Vela's NPU encoding
 * (bytes), the estimated cycles and inference time, the network's MACs, the access cycles of the
 * busiest memory, and Vela's per-layer rows.
 */
public record VelaReport(
        String network,
        VelaTarget target,
        int npuOperators,
        int cpuOperators,
        List<String> cpuOperations,
        double sramKiB,
        double offChipFlashKiB,
        double dramKiB,
        long originalWeightBytes,
        long encodedWeightBytes,
        long totalCycles,
        long npuCycles,
        double inferenceMillis,
        long macs,
        long memoryAccessCycles,
        Path compiledModel,
        List<VelaLayer> layers) {

    public VelaReport {
        cpuOperations = List.copyOf(cpuOperations);
        layers = List.copyOf(layers);
    }

    /** Multiply-accumulates per cycle over the whole inference: how busy the MAC array is kept. */
    public double macsPerCycle() {
        return totalCycles == 0 ? 0 : (double) macs / totalCycles;
    }

    /**
     * True when the busiest memory (SRAM, DRAM or flash) needs more cycles than the NPU's
     * computation: more MACs per cycle would not make this model faster, faster memory would.
     */
    public boolean memoryBound() {
        return memoryAccessCycles > npuCycles;
    }

    /** The share of the accelerator's peak MAC rate the whole inference reaches, in percent. */
    public double macUtilisationPercent() {
        return 100 * macsPerCycle() / target.macsPerCycle();
    }

    /** The share of operators on the NPU, in percent. */
    public double npuOperatorPercent() {
        int total = npuOperators + cpuOperators;
        return total == 0 ? 0 : 100.0 * npuOperators / total;
    }

    /**
     * The figures of this report as metrics entries, keyed by the accelerator, e.g.
     * {@code vela.ethos-u55-128.inference_ms}.
     */
    public Map<String, Object> metrics() {
        String prefix = metricKey(target.accelerator(), "");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "npu_ops", npuOperators);
        m.put(prefix + "cpu_ops", cpuOperators);
        m.put(prefix + "sram_kib", sramKiB);
        m.put(prefix + "off_chip_flash_kib", offChipFlashKiB);
        m.put(prefix + "dram_kib", dramKiB);
        m.put(prefix + "encoded_weights_bytes", encodedWeightBytes);
        m.put(prefix + "cycles", totalCycles);
        m.put(prefix + "inference_ms", inferenceMillis);
        m.put(prefix + "system_config", target.systemConfig());
        m.put(prefix + "memory_mode", target.memoryMode());
        m.put(prefix + "optimise", target.optimise().name());
        m.put(prefix + "macs", macs);
        m.put(prefix + "mac_utilisation_pct", macUtilisationPercent());
        m.put(prefix + "memory_bound", memoryBound());
        return m;
    }

    /** The metrics key of one of Vela's figures for an accelerator, e.g. {@code vela.ethos-u55-128.cycles}. */
    public static String metricKey(String accelerator, String figure) {
        return "vela." + accelerator + "." + figure;
    }

}
