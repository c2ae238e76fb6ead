"""One vote per network per item, however many requests arrive at once (real PostgreSQL)."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from assemblies.models import Vote
from assemblies.services import assembly_vote_cast, assembly_vote_close
from ensie_portal.core.errors import DomainError
from tests.assemblies.factories import AssemblyInSessionFactory, MotionFactory, member

NETWORKS = 50
# Fifty distinct countries: each network is its country's one voice.
COUNTRIES = (
    "AD AL AM AT AZ BA BE BG CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IS IT LI LT LU LV MC "
    "MD ME MK MT NL NO PL PT RO RS SE SI SK SM TR UA XK CA US JP"
).split()


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_votes_and_fifty_duplicates_give_one_row_per_network():
    assert connection.vendor == "postgresql"
    assembly = AssemblyInSessionFactory()
    item = MotionFactory(assembly=assembly)
    voters = [member(assembly, country=COUNTRIES[i]) for i in range(NETWORKS)]
    choices = {network.pk: ("yes" if i < 30 else "no") for i, (network, _) in enumerate(voters)}
    # Each network submits twice: its first vote and a duplicate of it, all shuffled.
    submissions = [(network, user) for network, user in voters] * 2
    random.Random(6).shuffle(submissions)
    start = threading.Event()
    errors = []

    def submit(network, user):
        start.wait()
        try:
            assembly_vote_cast(item=item, network=network, actor=user, choice=choices[network.pk])
        except Exception as error:  # collected, asserted below
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=25) as pool:
        futures = [pool.submit(submit, network, user) for network, user in submissions]
        start.set()
        for future in futures:
            future.result()

    assert errors == []
    assert Vote.objects.filter(item=item).count() == NETWORKS
    assert set(Vote.objects.values_list("network_id", flat=True)) == set(choices)
    assembly_vote_close(item=item, actor=assembly.chair)
    item.refresh_from_db()
    assert item.network_totals == {"yes": 30, "no": 20, "abstain": 0}
    assert item.totals == {"yes": 30, "no": 20, "abstain": 0, "blank": 0}
    assert item.outcome == "adopted"


@pytest.mark.django_db(transaction=True)
def test_votes_racing_the_close_are_either_counted_or_refused():
    assembly = AssemblyInSessionFactory()
    item = MotionFactory(assembly=assembly)
    voters = [member(assembly, country=COUNTRIES[i]) for i in range(20)]
    start = threading.Event()
    refused = []

    def submit(network, user):
        start.wait()
        try:
            assembly_vote_cast(item=item, network=network, actor=user, choice="yes")
        except DomainError:  # the vote closed first
            refused.append(network.pk)
        finally:
            connection.close()

    def close():
        start.wait()
        try:
            assembly_vote_close(item=item, actor=assembly.chair)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=21) as pool:
        futures = [pool.submit(submit, network, user) for network, user in voters]
        futures.append(pool.submit(close))
        start.set()
        for future in futures:
            future.result()

    item.refresh_from_db()
    counted = Vote.objects.filter(item=item).count()
    assert counted + len(refused) == 20
    assert item.network_totals["yes"] == counted
