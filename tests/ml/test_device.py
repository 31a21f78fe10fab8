"""--device cpu|cuda|auto: provider selection (with onnxruntime's providers faked) and the CPU path for real."""

from __future__ import annotations

import onnxruntime as ort
import pytest

from wiretrace.cli import main
from wiretrace.errors import UsageError
from wiretrace.ml import device
from wiretrace.ml.device import CPU_PROVIDER, CUDA_PROVIDER, confirm_cuda, providers, resolve_device
from wiretrace.ml.embedder import EmbedOptions, MiniLMEmbedder
from wiretrace.ml.stance.model import load_stance_model

WITH_CUDA = [CUDA_PROVIDER, CPU_PROVIDER]


@pytest.fixture
def fake_cuda(monkeypatch):
    """onnxruntime claims a CUDA provider (as onnxruntime-gpu does, GPU or not)."""
    monkeypatch.setattr(ort, "get_available_providers", lambda: WITH_CUDA)


@pytest.fixture
def no_cuda(monkeypatch):
    monkeypatch.setattr(ort, "get_available_providers", lambda: [CPU_PROVIDER])


@pytest.mark.parametrize(
    ("requested", "available", "resolved"),
    [("cpu", WITH_CUDA, "cpu"), ("cpu", [CPU_PROVIDER], "cpu"), ("cuda", WITH_CUDA, "cuda"),
     ("auto", WITH_CUDA, "cuda"), ("auto", [CPU_PROVIDER], "cpu")],
)
def test_resolve_device(monkeypatch, requested, available, resolved):
    monkeypatch.setattr(ort, "get_available_providers", lambda: available)
    assert resolve_device(requested) == resolved
    assert providers(resolved)[0] == (CUDA_PROVIDER if resolved == "cuda" else CPU_PROVIDER)
    assert providers(resolved)[-1] == CPU_PROVIDER


def test_cuda_without_the_gpu_build_is_a_one_line_usage_error(no_cuda):
    with pytest.raises(UsageError, match=r"onnxruntime-gpu.*pip install 'wiretrace\[gpu\]'") as info:
        resolve_device("cuda")
    assert "\n" not in str(info.value)


def test_unknown_device(no_cuda):
    with pytest.raises(UsageError, match="unknown device 'tpu'; use one of: cpu, cuda, auto"):
        resolve_device("tpu")


class _Session:
    def __init__(self, names):
        self.names = names

    def get_providers(self):
        return self.names


def test_confirm_cuda():
    assert confirm_cuda(_Session(WITH_CUDA), "cuda")
    assert not confirm_cuda(_Session([CPU_PROVIDER]), "auto")  # auto: the CPU fallback
    with pytest.raises(UsageError, match="could not start CUDA"):
        confirm_cuda(_Session([CPU_PROVIDER]), "cuda")


def test_embedder_on_cpu_is_quantized_and_embeds_one_text_per_pass(no_cuda, monkeypatch):
    monkeypatch.delenv("WIRETRACE_QUANTIZE", raising=False)
    embedder = MiniLMEmbedder(EmbedOptions(device="auto"))
    assert embedder.device == "cpu"
    assert embedder._session.get_providers() == [CPU_PROVIDER]
    assert embedder.quantized  # per-batch activation scales: batch mates must not change a vector
    assert embedder.batch_size == 1
    texts = ["Officials may not resign, the decree says.", "Golf courses close.", "A third, longer text " * 9]
    together = embedder.embed(texts)
    assert (together[1] == embedder.embed(texts[1:2])[0]).all()


@pytest.mark.filterwarnings("ignore:Specified provider")
def test_embedder_auto_falls_back_when_onnxruntime_cannot_start_cuda(fake_cuda):
    # onnxruntime here has no CUDA build: asked for CUDA it opens the session on the CPU.
    embedder = MiniLMEmbedder(EmbedOptions(device="auto"))
    assert embedder.device == "cpu" and embedder._session.get_providers() == [CPU_PROVIDER]
    with pytest.raises(UsageError, match="could not start CUDA"):
        MiniLMEmbedder(EmbedOptions(device="cuda"))


def test_gpu_batch_sizes(monkeypatch):
    embedder = MiniLMEmbedder(EmbedOptions(device="cpu", quantize=False, batch_size=8, gpu_batch_size=512))
    assert embedder.batch_size == 8
    embedder.device = "cuda"
    assert embedder.batch_size == 512
    model = load_stance_model(device="cpu")
    assert model.batch_size == 32


@pytest.mark.filterwarnings("ignore:Specified provider")
def test_stance_model_devices(fake_cuda):
    assert load_stance_model(device="auto").device == "cpu"  # no GPU behind the faked provider
    with pytest.raises(UsageError, match="could not start CUDA"):
        load_stance_model(device="cuda")


def test_stance_model_cuda_without_gpu_build(no_cuda):
    with pytest.raises(UsageError, match="onnxruntime-gpu"):
        load_stance_model(device="cuda")


def test_cli_device_cuda_is_one_line_and_exit_2(tmp_path, capsys, no_cuda):
    # The CLI runs in this process, so the faked providers hold; the error comes before any file is read.
    code = main(["--db", str(tmp_path / "s.db"), "ingest", "--device", "cuda", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "onnxruntime-gpu" in err


def test_available_providers_is_onnxruntimes():
    assert device.available_providers() == list(ort.get_available_providers())
