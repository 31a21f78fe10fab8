"""Int8 products that do not depend on the CPU: uint8 weights give the exact integer products."""


import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from wiretrace.ml import int8
from wiretrace.ml.stance.model import default_model_path

# Every pair of products is 255 * 127 * 2 = 64,770: past int16, so a kernel that sums pairs in 16 bits
# (onnxruntime's uint8 x int8 one on x86 without VNNI) gets 2 * 32,767 where the answer is 129,540.
ACTIVATIONS = np.full((1, 4), 255, dtype=np.uint8)
WEIGHTS = np.array([[127, -128], [127, -128], [127, 5], [127, 0]], dtype=np.int8)


def _product_model(zero_point: np.ndarray | None) -> onnx.ModelProto:
    inputs = ["a", "w"] + (["", "w_zero"] if zero_point is not None else [])
    initializers = [numpy_helper.from_array(WEIGHTS, "w")]
    if zero_point is not None:
        initializers.append(numpy_helper.from_array(zero_point, "w_zero"))
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", inputs, ["y"])], "product",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [1, 2])], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def _run(model: onnx.ModelProto) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"a": ACTIVATIONS})[0]


@pytest.mark.parametrize("zero_point", [None, np.array([0, -3], dtype=np.int8)], ids=["no zero point", "per column"])
def test_uint8_weights_give_the_exact_products(zero_point):
    model = _product_model(zero_point)
    assert int8.unsigned_weights(model) == 2
    shifted = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    assert shifted["w"].dtype == np.uint8
    assert (shifted["w"].astype(int) - 128 == WEIGHTS).all()
    expected = ACTIVATIONS.astype(np.int64) @ (WEIGHTS.astype(np.int64) - (0 if zero_point is None else zero_point))
    assert (_run(model) == expected).all()
    assert int8.unsigned_weights(model) == 0  # already unsigned: nothing left to shift


def test_products_without_int8_weights_are_left_alone():
    model = _product_model(None)
    model.graph.initializer[0].CopyFrom(numpy_helper.from_array(WEIGHTS.astype(np.int16).clip(0).astype(np.uint8), "w"))
    before = model.SerializeToString()
    assert int8.unsigned_weights(model) == 0
    assert model.SerializeToString() == before


@pytest.mark.parametrize(("machine", "flags", "exact"), [
    ("x86_64", {"avx2", "avx512_vnni"}, True),
    ("x86_64", {"avx2", "avx_vnni"}, True),
    ("x86_64", {"avx2", "fma"}, False),
    ("AMD64", None, False),
    ("aarch64", None, True),
    ("arm64", {"asimd"}, True),
])
def test_which_cpus_multiply_exactly(monkeypatch, machine, flags, exact):
    monkeypatch.delenv("WIRETRACE_INT8", raising=False)
    monkeypatch.setattr(int8, "cpu_flags", lambda: flags)
    assert int8.exact_unsigned_signed(machine, flags) is exact


def test_environment_forces_either_weights(monkeypatch):
    monkeypatch.setenv("WIRETRACE_INT8", "unsigned")
    assert not int8.exact_unsigned_signed("x86_64", {"avx512_vnni"})
    monkeypatch.setenv("WIRETRACE_INT8", "signed")
    assert int8.exact_unsigned_signed("x86_64", {"avx2"})


def test_cpu_flags_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512_vnni\n\nprocessor\t: 1\nflags\t\t: fpu\n")
    assert int8.cpu_flags(info) == {"fpu", "sse2", "avx2", "avx512_vnni"}
    assert int8.cpu_flags(tmp_path / "missing") is None


def test_stance_model_is_the_same_numbers_either_way(monkeypatch):
    """The shipped model with uint8 weights dequantizes to the very weights it stores."""
    path = default_model_path()
    monkeypatch.setenv("WIRETRACE_INT8", "unsigned")
    shifted = onnx.load_from_string(int8.session_model(path))
    stored = onnx.load(str(path))
    stored_tensors = {t.name: numpy_helper.to_array(t) for t in stored.graph.initializer}
    count = 0
    for tensor in shifted.graph.initializer:
        values = numpy_helper.to_array(tensor)
        if values.dtype == np.uint8 and stored_tensors[tensor.name].dtype == np.int8:
            assert (values.astype(int) - 128 == stored_tensors[tensor.name]).all()
            count += 1
    assert count >= 70  # every matrix product's weights and zero points
    monkeypatch.setenv("WIRETRACE_INT8", "signed")
    assert int8.session_model(path) == str(path)
