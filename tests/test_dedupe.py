import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.dedupe import DedupeOptions, copy_score, find_copies, fingerprint, minhash, shingle_hashes
from wiretrace.models import Article

WIRE = (
    "Democratic presidential candidate Martin O'Malley is shifting staff and resources to Iowa as his campaign "
    "struggles to raise money. His campaign says it will shift staff from its Baltimore headquarters to the "
    "early states. The former Maryland governor has been mired in single digits in polls behind Hillary Clinton "
    "and Bernie Sanders, and he has been ratcheting up his critique of his opponents in recent weeks."
)
OTHER = (
    "A Russian military court confirmed the firing of 115 National Guard members who refused to deploy to "
    "Ukraine, the first formal verdict in a case that has shown internal discontent with the conflict."
)


def art(i, text, published="2016-01-0{}", day=1):
    return Article(id=f"a{i}", text=text, published=published.format(day))


@pytest.mark.parametrize(
    ("a", "b", "copy"),
    [
        (WIRE, WIRE, True),
        (WIRE, "DALLAS (AP) - " + WIRE + " Reporting by the Associated Press.", True),
        (WIRE, WIRE.split(". ")[0] + ". " + WIRE.split(". ")[1] + ".", True),  # trimmed copy is contained
        (WIRE, OTHER, False),
    ],
)
def test_copy_score(a, b, copy):
    options = DedupeOptions()
    score = copy_score(fingerprint(art(1, a), options), fingerprint(art(2, b), options), None, options)
    assert (score > 0) == copy


def test_groups_name_the_earliest_member():
    links = find_copies([art(1, WIRE, day=3), art(2, WIRE + " Update.", day=1), art(3, OTHER, day=2)])
    by_article = {link.article: link for link in links}
    assert by_article["a2"].copy_of is None and by_article["a1"].copy_of == "a2"
    assert by_article["a1"].group == by_article["a2"].group == "a2"
    assert by_article["a3"].copy_of is None and by_article["a3"].group == "a3"


def test_minhash_is_seeded():
    shingles = shingle_hashes(WIRE)
    assert np.array_equal(minhash(shingles, DedupeOptions()), minhash(shingles, DedupeOptions()))
    assert not np.array_equal(minhash(shingles, DedupeOptions()), minhash(shingles, DedupeOptions(seed=2)))


words = st.lists(st.sampled_from("the ban on resigning Kremlin officials war report said 2023 Putin".split()),
                 min_size=0, max_size=60).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(words, words)
def test_dedupe_is_symmetric(a, b):
    options = DedupeOptions()
    fa, fb = fingerprint(art(1, a), options), fingerprint(art(2, b), options)
    assert copy_score(fa, fb, 0.95, options) == copy_score(fb, fa, 0.95, options)
    forward = {(c.article, c.group) for c in find_copies([art(1, a), art(2, b)])}
    backward = {(c.article, c.group) for c in find_copies([art(2, b), art(1, a)])}
    assert forward == backward
