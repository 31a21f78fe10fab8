"""Stance (NLI) model: does a source passage entail, contradict or not address a claim?

Run time needs only onnxruntime, tokenizers and numpy; the int8 ONNX weights ship in ``assets/``.
Training (:mod:`wiretrace.ml.stance.train`) needs the ``[train]`` extra.

Example:
    >>> from wiretrace.ml.stance import load_stance_model
    >>> model = load_stance_model()
    >>> probs = model.predict("The minister resigned on Monday.", "The minister stayed in office.")
"""

from wiretrace.ml.stance.model import LABELS, StanceModel, StanceModelError, load_stance_model

__all__ = ["LABELS", "StanceModel", "StanceModelError", "load_stance_model"]
