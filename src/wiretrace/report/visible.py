"""Text shown to a person: bidirectional control characters made visible.

A right-to-left override in a title ("evil\u202etxt.exe") reorders what follows it on a terminal or a page,
so a stored title could pass itself off as another. Every front end that shows article text to a person
(the CLI's tables, `show`, the Markdown and HTML reports, the web pages) passes it through `show_bidi`;
machine-readable output (JSON, CSV manifests) keeps the text as stored.
"""

from __future__ import annotations

from typing import Any

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
"""Embeddings, overrides, isolates and their pop, the LTR/RTL marks and the Arabic letter mark."""
_VISIBLE = {ord(ch): f"[U+{ord(ch):04X}]" for ch in BIDI_CONTROLS}


def show_bidi(value: Any) -> Any:
    """Text with bidirectional control characters shown as "[U+202E]"; any other value as it is.

    A `str` subclass (Jinja2's `Markup`) keeps its type: the markers are plain text.

    >>> show_bidi("evil\u202etxt.exe")
    'evil[U+202E]txt.exe'
    """
    if isinstance(value, str) and any(ch in value for ch in BIDI_CONTROLS):
        return type(value)(str(value).translate(_VISIBLE))
    return value
