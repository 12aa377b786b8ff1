"""Is the techniques encoder's time in its weights' format? Times the shipped encoder (8-bit
weight blocks, MatMulNBits) against the same weights in fp32, re-quantized to 4 bits with
int8 compute (accuracy_level 4), and fp32 with onnxruntime's BERT fusions, on one batch of
16 x 96 pieces, and prints the arithmetic rate. Needs the [train] extra (onnx).

    python research/scale/encoder_variants.py [WORKDIR]

Measured 2026-11-28, idle 2-core machine, 2 threads: shipped 233 ms (292 GFLOP/s), fp32
201 ms (339), 4-bit/int8 243 ms (279), fp32 fused 233 ms (292; 24 SkipLayerNorm, 12
BiasGelu, attention not fused). The encoder already runs near what two cores do in fp32, so
the format of the weights is not where time can be won (README "Benchmark").
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

ENCODER = Path(__file__).parents[2] / "spinscope/models/techniques/encoder.onnx"
BATCH, LENGTH, HIDDEN, FFN, LAYERS = 16, 96, 384, 1536, 12


def to_fp32(src: Path, dst: Path) -> None:
    """The 8-bit MatMulNBits nodes as fp32 MatMuls with the dequantized weights."""
    m = onnx.load(src)
    inits = {i.name: i for i in m.graph.initializer}
    nodes = []
    for n in m.graph.node:
        if n.op_type != "MatMulNBits":
            nodes.append(n)
            continue
        at = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        k, nn, bs = at["K"], at["N"], at["block_size"]
        assert at["bits"] == 8, "written for the shipped 8-bit encoder"
        nb = (k + bs - 1) // bs
        q = numpy_helper.to_array(inits[n.input[1]]).reshape(nn, nb, bs).astype(np.float32)
        scale = numpy_helper.to_array(inits[n.input[2]]).astype(np.float32).reshape(nn, nb, 1)
        zero = 128.0
        if len(n.input) > 3 and n.input[3]:
            zero = numpy_helper.to_array(inits[n.input[3]]).astype(np.float32).reshape(nn, nb, 1)
        w = ((q - zero) * scale).reshape(nn, nb * bs)[:, :k]
        name = n.input[1] + "_fp32"
        m.graph.initializer.append(numpy_helper.from_array(w.T.copy(), name))
        nodes.append(helper.make_node("MatMul", [n.input[0], name], [n.output[0]], n.name + "_mm"))
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    used = {i for n in m.graph.node for i in n.input}
    keep = [i for i in m.graph.initializer if i.name in used]
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep)
    onnx.save(m, dst)


def timed(path: Path, feed: dict) -> float:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    session.run(None, feed)
    start = time.perf_counter()
    for _ in range(10):
        session.run(None, feed)
    return (time.perf_counter() - start) / 10


def main(work: Path) -> None:
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    from onnxruntime.transformers import optimizer

    logging.disable(logging.INFO)
    fp32, q4, fused = work / "fp32.onnx", work / "q4.onnx", work / "fused.onnx"
    to_fp32(ENCODER, fp32)
    quantizer = MatMulNBitsQuantizer(onnx.load(fp32), block_size=32, is_symmetric=True,
                                     accuracy_level=4)  # fmt: skip
    quantizer.process()
    quantizer.model.save_model_to_file(str(q4), use_external_data_format=False)
    optimizer.optimize_model(str(fp32), model_type="bert", num_heads=12, hidden_size=HIDDEN,
                             opt_level=0).save_model_to_file(str(fused))  # fmt: skip
    rng = np.random.default_rng(0)
    feed = {"inputs_embeds": rng.normal(0, 0.05, (BATCH, LENGTH, HIDDEN)).astype(np.float32),
            "attention_mask": np.ones((BATCH, LENGTH), np.int64)}  # fmt: skip
    tokens = BATCH * LENGTH
    dense = 2 * tokens * LAYERS * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN)
    attention = 2 * 2 * BATCH * LAYERS * LENGTH * LENGTH * HIDDEN
    for name, path in (("shipped 8-bit", ENCODER), ("fp32", fp32), ("4-bit, int8 compute", q4),
                       ("fp32 fused", fused)):  # fmt: skip
        seconds = timed(path, feed)
        print(f"{name:22s} {seconds * 1000:6.1f} ms  {(dense + attention) / seconds / 1e9:5.0f} "
              "GFLOP/s")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
