import numpy as np
import pytest

from wiretrace.errors import UsageError
from wiretrace.ml.embedder import EmbedOptions, MiniLMEmbedder
from wiretrace.models import Article
from wiretrace.store import open_store
from wiretrace.stories.embed import article_lead, embed_articles


@pytest.fixture(scope="module")
def embedder():
    return MiniLMEmbedder(EmbedOptions(threads=1))


def test_vectors_are_unit_float32_in_input_order(embedder):
    texts = ["Putin bans officials from resigning", "", "Soldiers refuse to fight in Ukraine " * 80]
    vectors = embedder.embed(texts)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert np.allclose(embedder.embed(texts[:1])[0], vectors[0], atol=1e-5)


@pytest.mark.parametrize(
    ("a", "b", "c"),
    [("Kremlin bans officials from resigning", "Putin forbids officials to quit their posts",
      "Golf courses are closing across the United States")],
)
def test_paraphrases_are_closer_than_unrelated(embedder, a, b, c):
    va, vb, vc = embedder.embed([a, b, c])
    assert va @ vb > va @ vc + 0.2


def test_cuda_without_gpu_build_is_a_usage_error():
    import onnxruntime as ort

    if "CUDAExecutionProvider" in ort.get_available_providers():
        pytest.skip("onnxruntime-gpu is installed")
    with pytest.raises(UsageError, match="gpu"):
        MiniLMEmbedder(EmbedOptions(device="cuda"))


def test_vectors_are_cached_in_the_store(tmp_path, embedder):
    store = open_store(str(tmp_path / "s.db"))
    article = Article(id="x1", text="A long enough first paragraph about the ban on resigning officials.", title="Ban")
    store.put_articles([article])
    first = embed_articles(store, [article], embedder)
    assert set(store.get_embeddings(embedder.name)) == {"x1"}
    assert np.array_equal(embed_articles(store, [article], embedder)["x1"], first["x1"])
    assert article_lead(article).startswith("Ban. A long enough")
