"""General Assembly under load: a vote cast by every member at once, the close, the chair's screen.

Creates a throwaway test database with 200 member networks in 40 countries (fee paid, present),
an assembly in session with 20 agenda items, then:

- casts the vote of every network on one item from 16 threads, each with its own connection
  (plus one duplicate submission per network), and times each cast;
- times the close of that item (the count, the per-country breakdown, the record);
- times the chair's screen and the members' page (median of 20 requests) and counts queries.
"""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from bench.support import bench_database, time_get

NETWORKS = 200
THREADS = 16
ITEMS = 20
RUNS = 20


def _populate():
    import datetime

    from django.utils import timezone

    from assemblies.models import AgendaItem, Attendance, GeneralAssembly
    from ensie_portal.accounts.models import User
    from networks.models import MembershipFee, Network, Representative
    from tests.assemblies.test_concurrency import COUNTRIES

    today = timezone.localdate()
    chair = User.objects.create_user(email="bench-chair@example.org")
    assembly = GeneralAssembly.objects.create(
        title="Bench assembly", date=today, chair=chair, status=GeneralAssembly.Status.IN_SESSION
    )
    networks = Network.objects.bulk_create(
        Network(
            legal_name=f"Network {n:03d}",
            slug=f"network-{n:03d}",
            country=COUNTRIES[n % 40],
            status=Network.Status.MEMBER,
        )
        for n in range(NETWORKS)
    )
    users = [User.objects.create_user(email=f"rep{n}@example.org") for n in range(NETWORKS)]
    Representative.objects.bulk_create(
        Representative(network=network, user=user, is_main_contact=True)
        for network, user in zip(networks, users, strict=True)
    )
    MembershipFee.objects.bulk_create(
        MembershipFee(network=network, year=today.year, paid_on=datetime.date(today.year, 1, 1))
        for network in networks
    )
    Attendance.objects.bulk_create(Attendance(assembly=assembly, network=n) for n in networks)
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            assembly=assembly,
            kind=AgendaItem.Kind.MOTION,
            title=f"Motion {n}",
            position=n,
            vote_state=AgendaItem.VoteState.OPEN if n == 0 else AgendaItem.VoteState.NOT_OPEN,
        )
        for n in range(ITEMS)
    )
    return assembly, items[0], list(zip(networks, users, strict=True))


def _cast_all(item, voters):
    from assemblies.services import assembly_vote_cast

    def cast(args):
        index, (network, user) = args
        start = time.perf_counter()
        try:
            assembly_vote_cast(
                item=item, network=network, actor=user, choice=("yes", "no")[index % 2]
            )
        finally:
            connection.close()
        return (time.perf_counter() - start) * 1000

    submissions = list(enumerate(voters)) * 2
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        durations = list(pool.map(cast, submissions))
    return durations, time.perf_counter() - start


def main():
    from django.conf import settings

    from assemblies.models import Vote
    from assemblies.services import assembly_vote_close

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with bench_database("bench_assembly"):
        assembly, item, voters = _populate()
        durations, wall = _cast_all(item, voters)
        assert Vote.objects.filter(item=item).count() == NETWORKS
        start = time.perf_counter()
        assembly_vote_close(item=item, actor=assembly.chair)
        close_ms = (time.perf_counter() - start) * 1000
        ordered = sorted(durations)
        print(f"## General Assembly ({NETWORKS} networks in 40 countries, {ITEMS} items)\n")
        print("| measure | value |")
        print("|---|---|")
        print(f"| votes cast ({NETWORKS} first + {NETWORKS} duplicates, {THREADS} threads) | "
              f"{len(durations)} in {wall:.2f} s |")  # fmt: skip
        print(f"| one cast, median / p95 / max ms | {statistics.median(ordered):.1f} / "
              f"{ordered[int(len(ordered) * 0.95)]:.1f} / {ordered[-1]:.1f} |")  # fmt: skip
        print(f"| rows in the end | {Vote.objects.filter(item=item).count()} |")
        print(f"| close (count, breakdown, record) ms | {close_ms:.1f} |")
        chair, member = Client(), Client()
        chair.force_login(assembly.chair)
        member.force_login(voters[0][1])
        for client, path in (
            (chair, f"/assemblies/{assembly.pk}/chair/"),
            (member, f"/assemblies/{assembly.pk}/"),
            (chair, f"/assemblies/{assembly.pk}/record.csv"),
        ):
            median, worst, queries = time_get(client, path, runs=RUNS)
            print(f"| `{path}` median / max ms, queries | {median:.1f} / {worst:.1f}, {queries} |")
