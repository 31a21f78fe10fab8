import pytest

from wiretrace.crosscheck import checks


@pytest.mark.parametrize(
    ("text", "values", "approx"),
    [
        ("Russia has lost a total of 199,460 troops", [199460.0], [False]),
        ("about 199,000 troops", [199000.0], [True]),
        ("over 199,400 troops", [199400.0], [True]),
        ("roughly 15,000 deaths in 2022", [15000.0], [True]),
        ("1.5 million people", [1500000.0], [True]),
        ("at least two governors", [2.0], [True]),
        ("in 2023 the number rose", [], []),
    ],
)
def test_find_numbers(text, values, approx):
    found = checks.find_numbers(text)
    assert [n.value for n in found] == values
    assert [n.approximate for n in found] == approx


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("Russia lost about 199,000 troops", "Russia has lost a total of 199,460 troops", True),
        ("Russia lost 199,460 troops", "Russia has lost a total of 199,460 troops", True),
        ("Russia lost 15,000 troops", "Russia has lost a total of 199,460 troops", False),
        ("Russia lost 199,000 troops", "Russia has lost a total of 199,460 troops", False),
        ("Russia lost many troops", "Russia has lost a total of 199,460 troops", None),
        ("Russia lost 15,000 troops", "Russia lost troops", None),
    ],
)
def test_number_agreement(claim, evidence, expected):
    assert checks.number_agreement(claim, evidence) is expected


def test_numbers_compatible_is_symmetric():
    a, b = checks.find_numbers("about 199,000")[0], checks.find_numbers("199,460")[0]
    assert checks.numbers_compatible(a, b) == checks.numbers_compatible(b, a) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin underwent treatment for an alleged cancer diagnosis", True),
        ("a rumour circulating in Moscow", True),
        ("Putin banned officials from resigning", False),
    ],
)
def test_mentions_allegation(text, expected):
    assert checks.mentions_allegation(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("He did not resign", True), ("They can't leave", True), ("Nobody left", True), ("He resigned", False)],
)
def test_negated(text, expected):
    assert checks.negated(text) is expected


def test_overlap_counts_content_words():
    assert checks.overlap("Putin banned officials", "Putin banned Kremlin officials from resigning") == 1.0
    assert checks.overlap("Putin banned officials", "The weather is nice") == 0.0
    assert checks.overlap("the of and", "anything") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("over 100 officers", "115 officers", True), ("at least 2 cases", "5 cases", True),
     ("over 100 officers", "90 officers", False), ("up to 500 shells", "400 shells", True),
     ("up to 500 shells", "600 shells", False)],
)
def test_bounds_are_compatible_with_values_inside_them(a, b, expected):
    x, y = checks.find_numbers(a)[0], checks.find_numbers(b)[0]
    assert checks.numbers_compatible(x, y) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ('Spokesperson Ann Lee said air levels were falling and that there was "no risk to drinking water."',
     ["Air levels were falling.", "There was no risk to drinking water."]),
    ("Ammonia reached the town's drinking water supply, the Water Board said on Tuesday afternoon.",
     ["Ammonia reached the town's drinking water supply."]),
    ("Earlier in the day, the mayor had told reporters that the fire was under control; two people were hurt.",
     ["The fire was under control.", "Two people were hurt."]),
    ("The ban was imposed in May, iStories reported, citing four sources.", ["The ban was imposed in May."]),
    ("Russia has not declared martial law.", ["Russia has not declared martial law."]),
    ("He said no.", ["He said no."]),
])
def test_clauses_drop_the_reporting_frame_and_split_coordinated_claims(text, expected):
    assert checks.clauses(text) == expected


def test_numbers_that_count_different_things_are_not_compared():
    from wiretrace.crosscheck.checks import number_agreement

    claim = "The bridge will close for three weeks of repairs"
    assert number_agreement(claim, "A ferry will run every twenty minutes while the bridge is shut") is None
    assert number_agreement(claim, "The bridge will close for four weeks") is False
    assert number_agreement("12,000 vehicles cross it", "4,000 passengers a day use the ferry") is None
    assert number_agreement("12,000 vehicles cross it", "About 12,000 cars cross it") is True
    assert number_agreement("It cost 5 million", "It cost 7 million") is False  # no counted word: compared
