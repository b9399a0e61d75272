package org.condition4j.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verbose-log reader on lines in oneDNN 2.x's and 3.x's formats, with hand-counted expectations. */
class OneDnnVerboseLogTest {
    private static final String V2 = String.join("\n",
            "dnnl_verbose,info,oneDNN v2.3.0 (commit x)",
            "dnnl_verbose,info,prim_template:timestamp,operation,engine,primitive,implementation,prop_kind,"
                    + "memory_descriptors,attributes,auxiliary,problem_desc,exec_time",
            "dnnl_verbose,1000.5,create:cache_hit,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_f32::blocked:acdb:f0,,,128x32x28x28,0.01",
            "dnnl_verbose,1000.6,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_f32::blocked:acdb:f0,,,128x32x28x28,2.5",
            "dnnl_verbose,1001.0,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_f32::blocked:Acdb32a:f0,,,32x32x3x3,0.25",
            // weights of a convolution with 128 input channels: still weights, not a batch of activations
            "dnnl_verbose,1001.5,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_f32::blocked:Acdb32a:f0,,,32x128x3x3,0.5",
            "dnnl_verbose,1002.0,create:cache_miss,cpu,convolution,jit_wino_4x3:avx512_core,backward_data,src_f32::blocked:aBcd16b:f0,,"
                    + "alg:convolution_winograd,mb128_ic32oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1,3",
            "dnnl_verbose,1003.0,exec,cpu,convolution,jit_wino_4x3:avx512_core,backward_data,src_f32::blocked:aBcd16b:f0,,"
                    + "alg:convolution_winograd,mb128_ic32oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1,4",
            "dnnl_verbose,1004.0,exec,cpu,pooling_v2,jit:avx512_core,forward_training,src_f32::blocked:abcd:f0,,alg:pooling_max,"
                    + "mb128ic32_ih28oh14kh2sh2dh0ph0_iw28ow14kw2sw2dw0pw0,1.5",
            "dnnl_verbose,2000.0,exec,cpu,pooling_v2,jit:avx512_core,forward_inference,src_f32::blocked:abcd:f0,,alg:pooling_max,"
                    + "mb128ic32_ih28oh14kh2sh2dh0ph0_iw28ow14kw2sw2dw0pw0,7");
    private static final String V3 = String.join("\n",
            "onednn_verbose,v1,info,oneDNN v3.7.3 (commit N/A)",
            "onednn_verbose,v1,graph,info,template:timestamp,operation,engine,partition_id,partition_kind,op_names",
            "onednn_verbose,v1,10.0,primitive,exec,cpu,convolution,brg_conv_fwd:avx512_core,forward_training,"
                    + "src:f32::blocked:acdb::f0 dst:f32::blocked:acdb::f0,attr-post-ops:eltwise_relu,alg:convolution_direct,"
                    + "mb128_ic1oc32_ih28oh28kh3sh1dh0ph1_iw28ow28kw3sw1dw0pw1,0.75",
            "onednn_verbose,v1,11.0,primitive,create:cache_hit,cpu,convolution,jit:avx512_core,backward_weights,"
                    + "src:f32::blocked:acdb::f0,,alg:convolution_direct,mb128_ic32oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1,0.005",
            "onednn_verbose,v1,12.0,primitive,exec,cpu,eltwise,jit:avx512_core,backward_data,src:f32::blocked:acdb::f0,,"
                    + "alg:eltwise_relu alpha:0 beta:0,128x32x28x28,1.25",
            "onednn_verbose,v1,13.0,primitive,exec,cpu,gemm_api,,undef,src_f32::blocked:ba:f0 wei_f32::blocked:ab:f0,,,"
                    + "1568x128:128x10,0.5");

    @Test
    void readsOneDnn2Lines() {
        OneDnnVerboseLog log = OneDnnVerboseLog.parse(V2);
        assertEquals(8, log.calls().size()); // the 8 primitive lines; info and template lines skipped
        OneDnnVerboseLog step = log.between(1000, 1999);
        assertEquals(7, step.calls().size()); // all but the pool at 2000.0
        Map<String, OneDnnVerboseLog.Kind> kinds = step.executionsByKind(128);
        assertEquals(List.of("reorder, activations", "reorder, weights", "convolution backward data", "pooling forward"),
                List.copyOf(kinds.keySet()));
        assertEquals(1, kinds.get("reorder, activations").count);
        assertEquals(2.5, kinds.get("reorder, activations").millis, 1e-12);
        assertEquals(2, kinds.get("reorder, weights").count);
        assertEquals(0.25 + 0.5, kinds.get("reorder, weights").millis, 1e-12);
        assertEquals(List.of("jit_wino_4x3:avx512_core"), List.copyOf(kinds.get("convolution backward data").implementations));
        assertEquals(2.5 + 0.25 + 0.5 + 4 + 1.5, step.executionMillis(), 1e-12);
        assertEquals(2, step.creations().count);
        assertEquals(3.01, step.creations().millis, 1e-12);
        assertEquals(1, step.cacheMisses());
    }

    @Test
    void readsOneDnn3Lines() {
        OneDnnVerboseLog log = OneDnnVerboseLog.parse(V3);
        assertEquals(4, log.calls().size());
        Map<String, OneDnnVerboseLog.Kind> kinds = log.executionsByKind(128);
        assertEquals(List.of("convolution forward", "eltwise_relu backward data", "gemm_api"), List.copyOf(kinds.keySet()));
        assertEquals(0.75, kinds.get("convolution forward").millis, 1e-12);
        assertEquals(List.of("brg_conv_fwd:avx512_core"), List.copyOf(kinds.get("convolution forward").implementations));
        assertEquals(0.75 + 1.25 + 0.5, log.executionMillis(), 1e-12);
        assertEquals(1, log.creations().count);
        assertEquals(0, log.cacheMisses());
        assertEquals(2, log.between(10.5, 12.0).calls().size());
    }
}
