"""Link-only paragraphs: a block whose text is (nearly) all link points to another page.

News pages put links to other stories between the paragraphs of an article ("MAN ARRESTED IN …" as a
bold link), and a line of site furniture under it ("Our Standards: <a>The Trust Principles</a>").
Main-content extractors keep both: they sit in the article's own container. The mark they share is
structural, not a wording or an outlet's class names: the block's text is the text of its links. A
subhead or a sentence with a link in it keeps most of its text outside links and stays.

The blocks are found before extraction (trafilatura prunes the tree it is given) and their lines are
dropped from its output after, matched by their words: a line is a block's when its words are the
block's, or most of them (extractors leave out a block's hidden text, such as ", opens new tab").
"""

from __future__ import annotations

import re
from typing import Any

# Share of a block's words an extracted line must have to be that block's line.
_MATCH_SHARE = 0.6
# Block elements judged; the block a link belongs to is its nearest block ancestor, so a container
# of paragraphs is never judged as one (its paragraphs are).
_BLOCKS = frozenset(("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "td", "dd"))


def link_blocks(tree: Any, share: float) -> frozenset[str]:
    """Word keys of the blocks whose linked text is at least `share` of their text.

    Walks the links, not the blocks: a page has a few hundred links and thousands of elements.
    """
    linked: dict[Any, int] = {}
    for anchor in tree.iter("a"):
        length = len(" ".join(anchor.text_content().split()))
        if not length:
            continue
        block = next((e for e in anchor.iterancestors() if e.tag in _BLOCKS), None)
        if block is not None:
            linked[block] = linked.get(block, 0) + length
    keys = set()
    for block, length in linked.items():
        text = " ".join(block.text_content().split())
        if text and min(length, len(text)) >= share * len(text):
            keys.add(line_key(text))
    keys.discard("")
    return frozenset(keys)


def drop_link_lines(text: str, keys: frozenset[str]) -> str:
    """`text` without the lines whose words are (most of) those of a link-only block."""
    if not keys:
        return text
    longest = 1.5 * max(map(len, keys)) + 8  # a line far longer than every block is none of them
    joined = "\n".join(keys)  # one substring search over all keys instead of one per key
    return "\n".join(line for line in text.split("\n")
                     if len(line) > longest or not _is_link_line(line_key(line), keys, joined))


def _is_link_line(key: str, keys: frozenset[str], joined: str) -> bool:
    if not key:
        return False
    if key in keys:
        return True
    at = joined.find(key)
    while at >= 0:  # the key within a longer block key: that block's, when it holds most of its words
        start, end = joined.rfind("\n", 0, at) + 1, joined.find("\n", at)
        if len(key) >= _MATCH_SHARE * ((len(joined) if end < 0 else end) - start):
            return True
        at = joined.find(key, at + 1)
    return False


def line_key(text: str) -> str:
    """A line's words, casefolded: how an extracted line is matched to the block it came from."""
    return " ".join(re.findall(r"\w+", text.casefold()))
