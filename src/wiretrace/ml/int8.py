"""Int8 matrix products that give the same answer on every CPU.

Both models run their matrix products as onnxruntime `MatMulInteger`: activations quantized to uint8 at
run time, weights stored as int8. On x86 CPUs with VNNI (AVX512-VNNI or AVX-VNNI) onnxruntime multiplies
uint8 by int8 exactly. On x86 CPUs without it (AVX2 only, e.g. many AMD EPYC machines) its uint8 x int8
kernel adds pairs of products in 16 bits (`vpmaddubsw`), which saturates when both pairs are large: on
such a machine 27 of 450 NLI dev pairs took another stance label than on a VNNI one, and two seed
verdicts changed. Its uint8 x uint8 kernel widens to 16 bits before multiplying and is exact.

So where the CPU lacks VNNI, the int8 weights and zero points are shifted by 128 into uint8 (the same
numbers: (w + 128) - (z + 128) = w - z) before the session opens. Results then match a VNNI machine's, at
about 1.3x the stance model's time on an AVX2 machine. Elsewhere (VNNI, ARM) the model runs as stored.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np

X86 = {"x86_64", "amd64", "i386", "i686", "x86"}
VNNI_FLAGS = {"avx512_vnni", "avx_vnni"}


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str] | None:
    """The CPU's feature flags from /proc/cpuinfo; None where that file cannot be read (not Linux)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return None


def exact_unsigned_signed(machine: str | None = None, flags: set[str] | None = None) -> bool:
    """Whether onnxruntime multiplies uint8 by int8 exactly on this CPU.

    `WIRETRACE_INT8=unsigned` forces the uint8 weights (say, for a VNNI machine that should match an AVX2
    one bit for bit), `WIRETRACE_INT8=signed` keeps the stored ones. An x86 CPU whose flags cannot be
    read counts as inexact: the uint8 weights are right everywhere, only slower.
    """
    forced = os.environ.get("WIRETRACE_INT8", "").strip().lower()
    if forced in {"unsigned", "signed"}:
        return forced == "signed"
    machine = (machine or platform.machine()).lower()
    if machine not in X86:
        return True
    flags = cpu_flags() if flags is None else flags
    return bool(flags and flags & VNNI_FLAGS)


def unsigned_weights(model: object) -> int:
    """Shift every int8 weight and weight zero point of `model`'s `MatMulInteger` nodes into uint8, in place.

    `model` is an `onnx.ModelProto`. Returns how many tensors changed (0 for a model without int8 weights).
    """
    from onnx import numpy_helper

    graph = model.graph  # type: ignore[attr-defined]
    tensors = {t.name: t for t in graph.initializer}
    changed: set[str] = set()
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        weight = node.input[1]
        if weight not in changed and not _int8(tensors.get(weight)):
            continue  # activations by activations, or weights already uint8
        zero_point = node.input[3] if len(node.input) > 3 else ""
        if not zero_point:  # an absent zero point is 0, which for uint8 weights must be said as 128
            zero_point = f"{weight}_uint8_zero_point"
            if zero_point not in tensors:
                tensors[zero_point] = numpy_helper.from_array(np.array(128, dtype=np.uint8), zero_point)
                graph.initializer.append(tensors[zero_point])
                changed.add(zero_point)
            while len(node.input) < 3:
                node.input.append("")
            if len(node.input) == 3:
                node.input.append(zero_point)
            else:
                node.input[3] = zero_point
        elif zero_point not in changed and not _int8(tensors.get(zero_point)):
            continue  # a zero point computed at run time: leave this product as it is
        for name in (weight, zero_point):
            if name in changed:
                continue
            shifted = (numpy_helper.to_array(tensors[name]).astype(np.int16) + 128).astype(np.uint8)
            tensors[name].CopyFrom(numpy_helper.from_array(shifted, name))
            changed.add(name)
    return len(changed)


def _int8(tensor: object) -> bool:
    from onnx import TensorProto

    return tensor is not None and tensor.data_type == TensorProto.INT8  # type: ignore[attr-defined]


def session_model(path: Path) -> str | bytes:
    """What to hand `onnxruntime.InferenceSession` for the int8 model at `path` on this CPU.

    The path itself where its products are exact here; otherwise the model's bytes with uint8 weights.
    """
    if exact_unsigned_signed():
        return str(path)
    import onnx

    model = onnx.load(str(path))
    if not unsigned_weights(model):
        return str(path)
    return model.SerializeToString()
