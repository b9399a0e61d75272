package org.condition4j.cluster;

import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * A clusterable weight tensor: the kernel (never the bias) of a convolution, depthwise,
 * separable, dense or output layer, with the axes that make up its output channels, i.e. the
 * channels that TFLite's per-channel int8 quantization gives their own scale:
 * <ul>
 *   <li>convolution {@code W [out, in, kh, kw]}: axis 0;</li>
 *   <li>dense and output {@code W [in, out]}: axis 1;</li>
 *   <li>depthwise {@code W [kh, kw, in, multiplier]}: axes 2 and 3, channel {@code in * multiplier + m};</li>
 *   <li>separable: depthwise {@code W [multiplier, in, kh, kw]} (axes 1 and 0, same numbering)
 *       and pointwise {@code pW [out, in * multiplier, 1, 1]} (axis 0).</li>
 * </ul>
 *
 * @param channelAxes the axes whose coordinates number the output channel, most significant first
 */
record Kernel(int layerIndex, String layerName, String layerType, String param, long[] shape, int[] channelAxes) {

    /** Every clusterable kernel of {@code net}, in layer order. */
    static List<Kernel> all(MultiLayerNetwork net) {
        List<Kernel> kernels = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            kernels.addAll(of(net, i));
        }
        return kernels;
    }

    /** The clusterable kernels of layer {@code index}: none for layers without kernel weights. */
    static List<Kernel> of(MultiLayerNetwork net, int index) {
        Layer conf = net.getLayer(index).conf().getLayer();
        Class<?> type = conf.getClass();
        String name = layerName(net, index);
        String typeName = type.getSimpleName();
        if (type == ConvolutionLayer.class || type == Convolution1DLayer.class) {
            return List.of(kernel(net, index, name, typeName, "W", 0));
        }
        if (type == DepthwiseConvolution2D.class) {
            return List.of(kernel(net, index, name, typeName, "W", 2, 3));
        }
        if (type == SeparableConvolution2D.class) {
            return List.of(kernel(net, index, name, typeName, "W", 1, 0), kernel(net, index, name, typeName, "pW", 0));
        }
        if (type == DenseLayer.class || type == OutputLayer.class) {
            return List.of(kernel(net, index, name, typeName, "W", 1));
        }
        return List.of();
    }

    /** "layer 2 'pool1' (SubsamplingLayer)": how error messages and tables name a layer. */
    static String describe(MultiLayerNetwork net, int index) {
        return "layer " + index + " '" + layerName(net, index) + "' ("
                + net.getLayer(index).conf().getLayer().getClass().getSimpleName() + ")";
    }

    static String layerName(MultiLayerNetwork net, int index) {
        String name = net.getLayer(index).conf().getLayer().getLayerName();
        return name == null ? String.valueOf(index) : name;
    }

    private static Kernel kernel(MultiLayerNetwork net, int index, String name, String type, String param,
                                 int... channelAxes) {
        long[] shape = net.getLayer(index).getParam(param).shape();
        return new Kernel(index, name, type, param, shape, channelAxes);
    }

    /** "layer 0 'conv1' (ConvolutionLayer)". */
    String describe() {
        return "layer " + layerIndex + " '" + layerName + "' (" + layerType + ")";
    }

    /** Whether this is a dense or output layer's matrix (the only two-dimensional kernels). */
    boolean isDense() {
        return shape.length == 2;
    }

    int size() {
        long size = 1;
        for (long dim : shape) {
            size *= dim;
        }
        return Math.toIntExact(size);
    }

    int channels() {
        int channels = 1;
        for (int axis : channelAxes) {
            channels *= (int) shape[axis];
        }
        return channels;
    }

    /** The output channel of every weight, in the row-major order of {@link #read}. */
    int[] channelOfEach() {
        int[] channels = new int[size()];
        long[] coordinates = new long[shape.length];
        for (int flat = 0; flat < channels.length; flat++) {
            long rest = flat;
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                coordinates[axis] = rest % shape[axis];
                rest /= shape[axis];
            }
            int channel = 0;
            for (int axis : channelAxes) {
                channel = (int) (channel * shape[axis] + coordinates[axis]);
            }
            channels[flat] = channel;
        }
        return channels;
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
