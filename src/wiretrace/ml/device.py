"""Where the ONNX models run: `--device cpu|cuda|auto` turned into onnxruntime execution providers.

`cuda` needs the CUDA build of onnxruntime (extra `[gpu]`) and a GPU it can use; asking for it without
them is a one-line error, never a silent slow run. `auto` takes the GPU when onnxruntime offers one and
the CPU otherwise. The embedding and stance models both choose their providers here.
"""

from __future__ import annotations

from wiretrace.errors import UsageError

DEVICES = ("cpu", "cuda", "auto")
CPU_PROVIDER = "CPUExecutionProvider"
CUDA_PROVIDER = "CUDAExecutionProvider"
NO_CUDA = "device 'cuda' needs onnxruntime-gpu and a CUDA GPU: pip install 'wiretrace[gpu]'"


def available_providers() -> list[str]:
    """The execution providers this onnxruntime build offers."""
    import onnxruntime as ort

    return list(ort.get_available_providers())


def resolve_device(device: str) -> str:
    """'cpu' or 'cuda': where a model asked to run on `device` runs here.

    Raises:
        UsageError: `device` is not one of `DEVICES`, or is 'cuda' and onnxruntime has no CUDA provider.
    """
    if device not in DEVICES:
        raise UsageError(f"unknown device {device!r}; use one of: {', '.join(DEVICES)}")
    if device == "cpu":
        return "cpu"
    has_cuda = CUDA_PROVIDER in available_providers()
    if device == "cuda" and not has_cuda:
        raise UsageError(NO_CUDA)
    return "cuda" if has_cuda else "cpu"


def providers(device: str) -> list[str]:
    """The onnxruntime providers for a resolved device ('cpu' or 'cuda'), best first."""
    return [CUDA_PROVIDER, CPU_PROVIDER] if device == "cuda" else [CPU_PROVIDER]


def confirm_cuda(session: object, requested: str) -> bool:
    """Whether a session opened for CUDA really runs on it; an explicit 'cuda' that did not is an error.

    onnxruntime-gpu lists its CUDA provider even where no GPU or CUDA library can be loaded, and then
    quietly opens the session on the CPU; under 'auto' that is the fallback, under 'cuda' it is not.
    """
    if CUDA_PROVIDER in session.get_providers():  # type: ignore[attr-defined]
        return True
    if requested == "cuda":
        raise UsageError(f"{NO_CUDA} (onnxruntime could not start CUDA: no GPU or CUDA libraries found)")
    return False
