from fractions import Fraction

import pytest

from assemblies.voting import (
    ABSTAIN,
    ADOPTED,
    BLANK,
    NO,
    NO_QUORUM,
    REJECTED,
    TWO_THIRDS,
    YES,
    Ballot,
    country_votes,
    tally,
)

EU4 = {"BE", "FR", "HU", "RO"}


def ballots(*rows):
    return [Ballot(network=f"{country}-{i}", country=country, choice=choice)
            for i, (country, choice) in enumerate(rows)]  # fmt: skip


def test_networks_of_one_country_that_agree_give_the_country_their_choice():
    assert country_votes(ballots(("FR", YES), ("FR", YES))) == {"FR": YES}


def test_networks_of_one_country_that_disagree_give_a_blank_vote():
    assert country_votes(ballots(("FR", YES), ("FR", NO))) == {"FR": BLANK}
    assert country_votes(ballots(("FR", YES), ("FR", ABSTAIN))) == {"FR": BLANK}


def test_a_country_counts_once_however_many_networks_it_has():
    result = tally(
        ballots(("FR", YES), ("FR", YES), ("FR", YES), ("BE", NO), ("HU", NO)),
        eligible_countries=EU4,
        present_countries={"FR", "BE", "HU"},
    )
    assert result.totals[YES] == 1
    assert result.totals[NO] == 2
    assert result.network_totals[YES] == 3
    assert result.outcome == REJECTED


def test_more_yes_than_no_is_adopted():
    result = tally(
        ballots(("FR", YES), ("BE", YES), ("HU", NO)),
        eligible_countries=EU4,
        present_countries={"FR", "BE", "HU"},
    )
    assert result.outcome == ADOPTED


def test_a_tie_is_rejected():
    result = tally(
        ballots(("FR", YES), ("BE", NO)), eligible_countries=EU4, present_countries={"FR", "BE"}
    )
    assert result.outcome == REJECTED


def test_blank_and_abstain_are_not_expressed_votes():
    result = tally(
        ballots(("FR", YES), ("BE", ABSTAIN), ("HU", YES), ("HU", NO), ("RO", ABSTAIN)),
        eligible_countries=EU4,
        present_countries=EU4,
    )
    assert result.totals == {YES: 1, NO: 0, ABSTAIN: 2, BLANK: 1}
    assert result.outcome == ADOPTED


def test_missing_the_quorum_gives_no_quorum_whatever_the_votes():
    result = tally(ballots(("FR", YES)), eligible_countries=EU4, present_countries={"FR"})
    assert (result.quorum_met, result.outcome) == (False, NO_QUORUM)


def test_exactly_half_of_eligible_countries_present_meets_the_default_quorum():
    result = tally(
        ballots(("FR", YES), ("BE", YES)), eligible_countries=EU4, present_countries={"FR", "BE"}
    )
    assert result.quorum_met is True


def test_the_quorum_share_is_set_per_assembly():
    result = tally(
        ballots(("FR", YES), ("BE", YES), ("HU", YES)),
        eligible_countries=EU4,
        present_countries={"FR", "BE", "HU"},
        quorum_share=Fraction(4, 5),
    )
    assert result.outcome == NO_QUORUM


def test_present_countries_that_are_not_eligible_do_not_make_the_quorum():
    result = tally(
        ballots(("FR", YES)), eligible_countries={"FR", "BE"}, present_countries={"FR", "DE", "IT"}
    )
    assert result.present_countries == 1
    assert result.quorum_met is True


@pytest.mark.parametrize(
    ("yes", "no", "outcome"),
    [(2, 1, ADOPTED), (3, 2, REJECTED), (4, 2, ADOPTED), (1, 0, ADOPTED), (0, 0, REJECTED)],
)
def test_two_thirds_majority(yes, no, outcome):
    countries = [f"C{i}" for i in range(yes + no)] or ["C0"]
    rows = [(c, YES) for c in countries[:yes]] + [(c, NO) for c in countries[yes : yes + no]]
    result = tally(
        ballots(*rows),
        eligible_countries=set(countries),
        present_countries=set(countries),
        rule=TWO_THIRDS,
    )
    assert result.outcome == outcome
