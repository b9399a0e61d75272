"""Runs a .tflite model in LiteRT (ai-edge-litert) on raw input tensors, for cross-checks.

usage: litert_run.py MODEL INPUTS OUTPUTS [KERNELS]

KERNELS: "builtin" (LiteRT's own kernels, no delegate; the default), "reference" (its
reference kernels) or "xnnpack" (the default delegate a LiteRT user gets).

INPUTS holds N input tensors back to back, each exactly as the model's input tensor stores it
(dtype and shape from the model, batch 1). OUTPUTS receives the N images' output tensors the same
way; a model with several outputs gives, for each image, all of them in the graph's output order.
Prints the tensor types on one line.

XNNPACK runs on two threads: for these small models that nearly halves an evaluation of the
10,000 test images, and its outputs are the same bit for bit as on one thread (checked on
3,000 test images for the float model and the four int8 models of the notebooks).
"""
import sys

import numpy as np
from ai_edge_litert import interpreter as litert


def main():
    model, inputs_path, outputs_path = sys.argv[1:4]
    kernels = sys.argv[4] if len(sys.argv) > 4 else "builtin"
    resolver = {
        "builtin": litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        "reference": litert.OpResolverType.BUILTIN_REF,
        "xnnpack": litert.OpResolverType.AUTO,
    }[kernels]
    threads = 2 if kernels == "xnnpack" else 1
    runner = litert.Interpreter(model_path=model, num_threads=threads, experimental_op_resolver_type=resolver)
    runner.allocate_tensors()
    (inp,) = runner.get_input_details()
    outs = runner.get_output_details()
    raw = np.fromfile(inputs_path, dtype=inp["dtype"])
    per_image = int(np.prod(inp["shape"]))
    if raw.size % per_image:
        raise SystemExit(f"{inputs_path}: {raw.size} values is not a multiple of the input size {per_image}")
    images = 0
    with open(outputs_path, "wb") as sink:
        for image in raw.reshape(-1, *inp["shape"]):
            runner.set_tensor(inp["index"], image)
            runner.invoke()
            for out in outs:
                sink.write(np.ascontiguousarray(runner.get_tensor(out["index"]), dtype=out["dtype"]).tobytes())
            images += 1
    described = ", ".join(f"{np.dtype(o['dtype']).name}{list(o['shape'])}" for o in outs)
    print(f"kernels {kernels} input {np.dtype(inp['dtype']).name}{list(inp['shape'])} "
          f"output {described} images {images}")


if __name__ == "__main__":
    main()
