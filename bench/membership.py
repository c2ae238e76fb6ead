"""Membership pages under load: the member directory, the fee calculator and the Board queue.

Creates a throwaway test database with 400 member networks in 30 countries, a fee schedule and
300 applications, then times each page through Django's test client (median of 30 requests)
and counts its queries.
"""

from django.test import Client
from django.test.utils import setup_test_environment

from bench.support import bench_database, time_get

COUNTRIES = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE NO CH GB"
).split()
RUNS = 30


def _populate():
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from ensie_portal.accounts.models import Roles, User
    from networks.models import Application, Network
    from tests.networks.factories import fee_schedule

    fee_schedule(timezone.localdate().year)
    Network.objects.bulk_create(
        Network(
            legal_name=f"Network {n:03d}",
            slug=f"network-{n:03d}",
            country=COUNTRIES[n % len(COUNTRIES)],
            wise_count=5 + n,
            status=Network.Status.MEMBER,
        )
        for n in range(400)
    )
    applicants = Network.objects.bulk_create(
        Network(legal_name=f"Applicant {n:03d}", slug=f"applicant-{n:03d}", country="PT")
        for n in range(300)
    )
    states = list(Application.OPEN_STATES)
    Application.objects.bulk_create(
        Application(
            network=network,
            status=states[n % len(states)],
            contact_name="Contact",
            contact_email=f"c{n}@example.org",
        )
        for n, network in enumerate(applicants)
    )
    board = User.objects.create_user(email="bench-board@example.org")
    board.groups.add(Group.objects.get(name=Roles.BOARD))
    TOTP.activate(board, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return board


def main():
    from django.conf import settings

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    with bench_database("bench_membership"):
        board = _populate()
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(board)
        pages = [
            (anonymous, "/members/"),
            (anonymous, "/members/?country=FR"),
            (anonymous, "/members/network-007/"),
            (anonymous, "/join/?country=FR&wise_count=60"),
            (signed_in, "/board/applications/"),
        ]
        print("## Membership pages (400 members, 300 applications)\n")
        print("| page | median ms | max ms | queries |")
        print("|---|---|---|---|")
        for client, path in pages:
            median, worst, queries = time_get(client, path, runs=RUNS)
            print(f"| `{path}` | {median:.1f} | {worst:.1f} | {queries} |")
