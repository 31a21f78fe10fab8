import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiretrace.claims.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gen. Smith left. He said no.", ["Gen. Smith left.", "He said no."]),
        ("He lives in the U.S. The end.", ["He lives in the U.S.", "The end."]),
        ("The U.S. Army left. Then it rained.", ["The U.S. Army left.", "Then it rained."]),
        ('"Why?" Trump asked. Nobody knew.', ['"Why?" Trump asked.', "Nobody knew."]),
        ('"It is over. We lost," he said. Then he left.', ['"It is over.', 'We lost," he said.', "Then he left."]),
        ("“Go home.” She left.", ["“Go home.”", "She left."]),
        ("It was 3.5 percent. At 5 p.m. Monday we met.", ["It was 3.5 percent.", "At 5 p.m. Monday we met."]),
        ("See No. 5 now. No. Not that.", ["See No. 5 now.", "No.", "Not that."]),
        ("Sen. Chuck Grassley (R-Iowa) spoke on Sept. 12. He left.", ["Sen. Chuck Grassley (R-Iowa) spoke on Sept. 12.", "He left."]),
        ("LONDON (Reuters) - Donald Trump said. Next.", ["LONDON (Reuters)", "Donald Trump said.", "Next."]),
        ("Moscow: More than 11 weeks have elapsed.", ["Moscow: More than 11 weeks have elapsed."]),
        ("Items:\n- one thing\n- another thing", ["Items:", "- one thing", "- another thing"]),
        ("J. K. Rowling wrote it. Fine.", ["J. K. Rowling wrote it.", "Fine."]),
    ],
)
def test_split_sentences(text, expected):
    assert sentences(text) == expected


@given(st.text(alphabet=st.sampled_from(list("ab. \n\"“”?!AB")), max_size=60))
def test_spans_are_ordered_trimmed_and_non_empty(text):
    spans = split_sentences(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        last = end
