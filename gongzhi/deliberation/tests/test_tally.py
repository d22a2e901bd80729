"""The count, as a pure function: totals equal the ballots cast, nobody counts twice, and the
quorum and pass thresholds hold exactly at their boundaries."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.deliberation.votes import quorum_met, reaches, tally

CHOICES = st.sampled_from(["for", "against", "abstain"])
QUORUMS = st.sampled_from(["none", "more_than_half", "two_thirds"])
THRESHOLDS = st.sampled_from(["simple_majority", "two_thirds"])


@st.composite
def meetings(draw):
    """Entitled members, those present among them, and ballots by distinct entitled members."""
    entitled = draw(st.integers(min_value=1, max_value=40))
    members = list(range(1, entitled + 1))
    present = draw(st.lists(st.sampled_from(members), unique=True))
    voters = draw(st.lists(st.sampled_from(members), unique=True))
    choices = draw(st.lists(CHOICES, min_size=len(voters), max_size=len(voters)))
    return members, present, voters, choices


@given(meetings(), QUORUMS, THRESHOLDS)
def test_totals_always_equal_the_ballots_cast(meeting, quorum, threshold):
    members, present, voters, choices = meeting
    result = tally(quorum=quorum, threshold=threshold, entitled=members, present=present, voters=voters,
                   choices=choices)
    assert result.cast == len(voters) == result.for_ + result.against + result.abstain
    assert (result.entitled, result.present) == (len(members), len(present))
    assert result.passed <= result.quorum_met  # no pass without a quorum
    assert result.as_dict()["outcome"] in {"passed", "rejected", "no_quorum"}


@given(meetings(), QUORUMS, THRESHOLDS)
def test_a_vote_without_its_quorum_is_recorded_as_failed(meeting, quorum, threshold):
    members, present, voters, _ = meeting
    result = tally(quorum=quorum, threshold=threshold, entitled=members, present=present, voters=voters,
                   choices=["for"] * len(voters))
    if not result.quorum_met:
        assert not result.passed and result.outcome == "no_quorum"


@given(meetings(), st.data())
def test_no_member_is_counted_twice(meeting, data):
    members, present, voters, choices = meeting
    if not voters:
        return
    again = data.draw(st.sampled_from(voters))
    with pytest.raises(ValueError, match="twice"):
        tally(quorum="none", threshold="simple_majority", entitled=members, present=present,
              voters=[*voters, again], choices=[*choices, "for"])


def test_ballots_must_match_entitled_voters():
    with pytest.raises(ValueError):
        tally(quorum="none", threshold="simple_majority", entitled=[1, 2], present=[1], voters=[3], choices=["for"])
    with pytest.raises(ValueError):
        tally(quorum="none", threshold="simple_majority", entitled=[1, 2], present=[1], voters=[1], choices=[])


@given(st.integers(min_value=1, max_value=500), st.data())
def test_quorum_rules_match_their_fractions_exactly(entitled, data):
    present = data.draw(st.integers(min_value=0, max_value=entitled))
    share = Fraction(present, entitled)
    assert quorum_met("more_than_half", entitled=entitled, present=present) == (share > Fraction(1, 2))
    assert quorum_met("two_thirds", entitled=entitled, present=present) == (share >= Fraction(2, 3))


@given(st.integers(min_value=0, max_value=500), st.data())
def test_thresholds_match_their_fractions_exactly(cast, data):
    yes = data.draw(st.integers(min_value=0, max_value=cast))
    share = Fraction(yes, cast) if cast else Fraction(0)
    assert reaches("simple_majority", yes=yes, cast=cast) == (share > Fraction(1, 2))
    assert reaches("two_thirds", yes=yes, cast=cast) == (cast > 0 and share >= Fraction(2, 3))


@pytest.mark.parametrize(("rule", "yes", "cast", "passes"), [
    ("two_thirds", 2, 3, True),  # exactly two thirds passes
    ("two_thirds", 5, 8, False),  # 62.5 %
    ("two_thirds", 6, 9, True),
    ("two_thirds", 0, 0, False),
    ("simple_majority", 2, 4, False),  # half is not a majority
    ("simple_majority", 3, 5, True),
    ("simple_majority", 1, 1, True),
])
def test_thresholds_at_the_boundary(rule, yes, cast, passes):
    assert reaches(rule, yes=yes, cast=cast) is passes


@pytest.mark.parametrize(("rule", "present", "entitled", "met"), [
    ("more_than_half", 3, 6, False),  # half present is not more than half
    ("more_than_half", 4, 7, True),
    ("two_thirds", 2, 3, True),
    ("two_thirds", 5, 8, False),
    ("none", 0, 5, False),  # nobody at all is no meeting
])
def test_quorum_at_the_boundary(rule, present, entitled, met):
    assert quorum_met(rule, entitled=entitled, present=present) is met


def test_an_abstention_is_not_a_yes():
    result = tally(quorum="more_than_half", threshold="simple_majority", entitled=[1, 2, 3, 4], present=[1, 2, 3, 4],
                   voters=[1, 2, 3, 4], choices=["for", "for", "abstain", "against"])
    assert (result.quorum_met, result.passed, result.outcome) == (True, False, "rejected")
