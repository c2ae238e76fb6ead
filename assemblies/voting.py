"""ENSIE's General Assembly voting rules, as pure functions (no database).

- Only present member networks that paid their annual fee vote (checked by the caller).
- One voice per country: the country's vote is the choice its voting networks agree on;
  where they disagree it is blank.
- Quorum: the share of eligible countries present (default one half).
- Majority: more yes than no among the countries' expressed votes (blank and abstain are not
  expressed); optionally two thirds of the expressed votes. A tie is not a majority.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction

YES = "yes"
NO = "no"
ABSTAIN = "abstain"
BLANK = "blank"

ADOPTED = "adopted"
REJECTED = "rejected"
NO_QUORUM = "no_quorum"

SIMPLE = "simple"
TWO_THIRDS = "two_thirds"


@dataclass(frozen=True)
class Ballot:
    network: str
    country: str
    choice: str  # YES, NO or ABSTAIN


@dataclass(frozen=True)
class Result:
    outcome: str
    quorum_met: bool
    eligible_countries: int
    present_countries: int
    country_votes: dict[str, str]
    totals: dict[str, int]  # per choice, countries
    network_totals: dict[str, int]  # per choice, networks


def country_votes(ballots: list[Ballot]) -> dict[str, str]:
    """Each country's one voice: the agreed choice of its voting networks, else blank."""
    choices: dict[str, set[str]] = defaultdict(set)
    for ballot in ballots:
        choices[ballot.country].add(ballot.choice)
    return {
        country: next(iter(chosen)) if len(chosen) == 1 else BLANK
        for country, chosen in sorted(choices.items())
    }


def quorum_met(*, eligible_countries: set[str], present_countries: set[str], share) -> bool:
    if not eligible_countries:
        return False
    present = len(present_countries & eligible_countries)
    return Fraction(present, len(eligible_countries)) >= Fraction(share)


def majority_reached(*, yes: int, no: int, rule: str = SIMPLE) -> bool:
    if yes <= no:
        return False  # a tie is not a majority
    if rule == TWO_THIRDS:
        return Fraction(yes, yes + no) >= Fraction(2, 3)
    return True


def tally(
    ballots: list[Ballot],
    *,
    eligible_countries: set[str],
    present_countries: set[str],
    quorum_share=Fraction(1, 2),
    rule: str = SIMPLE,
) -> Result:
    """The outcome of one vote."""
    votes = country_votes(ballots)
    totals = Counter(votes.values())
    met = quorum_met(
        eligible_countries=eligible_countries,
        present_countries=present_countries,
        share=quorum_share,
    )
    if not met:
        outcome = NO_QUORUM
    elif majority_reached(yes=totals[YES], no=totals[NO], rule=rule):
        outcome = ADOPTED
    else:
        outcome = REJECTED
    return Result(
        outcome=outcome,
        quorum_met=met,
        eligible_countries=len(eligible_countries),
        present_countries=len(present_countries & eligible_countries),
        country_votes=votes,
        totals={choice: totals[choice] for choice in (YES, NO, ABSTAIN, BLANK)},
        network_totals={
            choice: sum(b.choice == choice for b in ballots) for choice in (YES, NO, ABSTAIN)
        },
    )
