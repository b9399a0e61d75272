package org.condition4j.cluster;

import org.condition4j.layers.Capability;
import org.condition4j.layers.LayerRegistry;
import org.condition4j.layers.WeightParam;
import org.condition4j.quantize.Int8Scheme;
import org.condition4j.quantize.WeightQuantization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * A clusterable weight tensor: a kernel (never the bias) that the {@link LayerRegistry} lists for
 * a convolution, depthwise, separable, dense or output layer, with the axes that make up its
 * output channels, i.e. the channels that TFLite's per-channel int8 quantization gives their own
 * scale (the registry's DL4J channel axes):
 * <ul>
 *   <li>convolution {@code W [out, in, kh, kw]}: axis 0;</li>
 *   <li>dense and output {@code W [in, out]}: axis 1;</li>
 *   <li>depthwise {@code W [kh, kw, in, multiplier]}: axes 2 and 3, channel {@code in * multiplier + m};</li>
 *   <li>separable: depthwise {@code W [multiplier, in, kh, kw]} (axes 1 and 0, same numbering)
 *       and pointwise {@code pW [out, in * multiplier, 1, 1]} (axis 0).</li>
 * </ul>
 *
 * @param channelAxes the axes whose coordinates number the output channel, most significant first
 * @param denseMatrix whether the exporter gives it one scale for the whole tensor (a dense layer)
 */
record Kernel(int layerIndex, String layerName, String layerType, String param, long[] shape, int[] channelAxes,
              boolean denseMatrix) {

    /** Every clusterable kernel of {@code net}, in layer order. */
    static List<Kernel> all(MultiLayerNetwork net) {
        return LayerRegistry.weights(net, Capability.CLUSTERING).stream().map(w -> of(net, w)).toList();
    }

    /**
     * The clusterable kernels of layer {@code index}: none for layers without kernel weights.
     * Fails for a layer the registry does not let clustering touch.
     */
    static List<Kernel> of(MultiLayerNetwork net, int index) {
        return LayerRegistry.weights(net, index, Capability.CLUSTERING).stream().map(w -> of(net, w)).toList();
    }

    private static Kernel of(MultiLayerNetwork net, LayerRegistry.LayerWeight w) {
        WeightParam param = w.param();
        long[] shape = net.getLayer(w.layerIndex()).getParam(param.key()).shape();
        return new Kernel(w.layerIndex(), layerName(net, w.layerIndex()), w.layer().getClass().getSimpleName(),
                param.key(), shape, param.dl4jAxes(), param.denseMatrix());
    }

    static String layerName(MultiLayerNetwork net, int index) {
        String name = net.getLayer(index).conf().getLayer().getLayerName();
        return name == null ? String.valueOf(index) : name;
    }

    /** How messages name this kernel's layer, as {@link LayerRegistry#describe} does. */
    String describe() {
        return "layer " + layerIndex + " (" + layerType + " '" + layerName + "')";
    }


    int size() {
        long size = 1;
        for (long dim : shape) {
            size *= dim;
        }
        return Math.toIntExact(size);
    }

    int channels() {
        return WeightQuantization.channelCount(shape, channelAxes);
    }

    /** The output channel of every weight, in the row-major order of {@link #read}. */
    int[] channelOfEach() {
        return WeightQuantization.channelOf(shape, channelAxes);
    }

    /** The kernel as the exporter quantizes it to int8 (one scale per channel, or one for a dense matrix). */
    WeightQuantization.Int8Weights int8(float[] values) {
        return WeightQuantization.quantize(values, channelOfEach(), channels(),
                Int8Scheme.weightScaleCount(denseMatrix, channels()) == 1);
    }

    /** The kernel's values in {@code net}, row-major over {@link #shape}. */
    float[] read(MultiLayerNetwork net) {
        return array(net).dup('c').data().asFloat();
    }

    /** Overwrites the kernel in {@code net} with {@code values} (row-major over {@link #shape}). */
    void write(MultiLayerNetwork net, float[] values) {
        INDArray array = array(net);
        array.assign(Nd4j.create(values, array.shape(), 'c'));
    }

    private INDArray array(MultiLayerNetwork net) {
        return net.getLayer(layerIndex).getParam(param);
    }
}
