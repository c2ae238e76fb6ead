"""Demo data for the General Assembly, loaded by ``manage.py load_demo`` after networks.demo.

An assembly in session today, chaired by the demo Board member, with two demo applications and
two motions on its agenda (the first adhesion vote already open) and a representative login for
each demo member network, so a newcomer can try a vote end to end:

1. sign in as ``member@demo.ensie.eu`` (FEI, France) and vote on the open item;
2. sign in as ``board@demo.ensie.eu`` (the chair), watch the count, close the vote: the
   applicant is admitted and becomes a member.

Running it again never re-opens or resets a vote already taken.
"""

import datetime

from django.utils import timezone

from ensie_portal.accounts.models import User
from ensie_portal.core.demo import DEMO_PASSWORD, demo_user
from networks.demo import _fill_reasoned_request
from networks.fees.services import membership_fee_create
from networks.models import Application, Network, Representative

from .models import AgendaItem, Attendance, GeneralAssembly, Majority
from .selectors import network_has_paid
from .services import agenda_sync

TITLE = "Demo General Assembly (try a vote)"
# Fictional applicants presented at the demo assembly.
APPLICANTS = [
    ("demo-applicant-italy", "Demo Applicant Network Italy", "IT"),
    ("demo-applicant-slovakia", "Demo Applicant Network Slovakia", "SK"),
]
# A second French member, so that two networks of one country can agree or disagree.
SECOND_FRENCH = {
    "slug": "demo-wise-network-occitanie",
    "legal_name": "Demo WISE Network Occitanie",
    "country": "FR",
    "city": "Toulouse",
    "wise_count": 40,
    "member_since": datetime.date(2018, 6, 1),
    "description": "A fictional regional network for the demo.",
}
# A login per demo member network (FEI, France, keeps member@demo.ensie.eu).
REPRESENTATIVES = {
    "szimbiozis-hungary": "rep-hu@demo.ensie.eu",
    "viitor-plus-romania": "rep-ro@demo.ensie.eu",
    "demo-wise-network-belgium": "rep-be@demo.ensie.eu",
    "demo-wise-network-spain": "rep-es@demo.ensie.eu",
    "demo-wise-network-occitanie": "rep-fr2@demo.ensie.eu",
}
MOTIONS = [
    ("Approval of the accounts and of the budget", Majority.SIMPLE),
    ("Amendment of the internal regulations (Art. 2, fees)", Majority.TWO_THIRDS),
]


def _representatives(today: datetime.date) -> list[tuple[str, str, str]]:
    """A login per demo member network (FEI keeps member@demo.ensie.eu)."""
    network, _ = Network.objects.update_or_create(
        slug=SECOND_FRENCH["slug"],
        defaults={
            **{k: v for k, v in SECOND_FRENCH.items() if k != "slug"},
            "status": Network.Status.MEMBER,
        },
    )
    fee = membership_fee_create(network=network, year=today.year)
    if fee.paid_on is None:
        fee.paid_on = today.replace(month=1, day=31)
        fee.save(update_fields=["paid_on", "updated_at"])
    logins = []
    for slug, email in REPRESENTATIVES.items():
        network = Network.objects.get(slug=slug)
        user = demo_user(
            email,
            display_name=f"Representative of {network.display_name}",
            organisation=network.legal_name,
        )
        Representative.objects.get_or_create(
            network=network, user=user, defaults={"is_main_contact": False}
        )
        paid = network_has_paid(network, today.year)
        role = f"voter, {network.display_name} ({network.country.code})"
        logins.append((role if paid else f"{role}, fee unpaid", email, DEMO_PASSWORD))
    return logins


def load(*, stdout) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    chair = User.objects.get(email="board@demo.ensie.eu")  # created by ensie_portal.core.demo
    assembly, created = GeneralAssembly.objects.get_or_create(
        title=TITLE,
        defaults={
            "date": today,
            "start_time": datetime.time(10, 0),
            "place": "Brussels and online",
            "online_link": "https://meet.example.org/ensie-ga-demo",
            "chair": chair,
            "status": GeneralAssembly.Status.IN_SESSION,
        },
    )
    logins = _representatives(today)
    for slug, name, country in APPLICANTS:
        network, _ = Network.objects.get_or_create(
            slug=slug,
            defaults={
                "legal_name": name,
                "country": country,
                "wise_count": 30,
                "status": Network.Status.APPLICANT,
                "description": "A fictional applicant for the demo assembly.",
            },
        )
        contact = demo_user(f"{slug}@demo.ensie.eu", display_name=f"Contact of {name}")
        Representative.objects.get_or_create(
            network=network, user=contact, defaults={"is_main_contact": True}
        )
        if not Application.objects.filter(network=network).exists():
            application = Application.objects.create(
                network=network,
                status=Application.Status.ON_AGENDA,
                contact_name=contact.display_name,
                contact_email=contact.email,
                message="We would like to join ENSIE. (Demo)",
            )
            _fill_reasoned_request(application, assembly)
            application.save()
    if assembly.status != GeneralAssembly.Status.CLOSED:
        agenda_sync(assembly=assembly)
    for position, (title, majority) in enumerate(MOTIONS, start=100):
        AgendaItem.objects.get_or_create(
            assembly=assembly,
            kind=AgendaItem.Kind.MOTION,
            title=title,
            defaults={"majority": majority, "position": position},
        )
    if created:
        # Everyone present but Viitor Plus; the first adhesion's vote open.
        for network in Network.objects.filter(status=Network.Status.MEMBER).exclude(
            slug="viitor-plus-romania"
        ):
            Attendance.objects.get_or_create(
                assembly=assembly, network=network, defaults={"recorded_by": chair}
            )
        first = assembly.agenda_items.filter(kind=AgendaItem.Kind.ADHESION).first()
        if first is not None:
            first.vote_state = AgendaItem.VoteState.OPEN
            first.opened_at = timezone.now()
            first.save(update_fields=["vote_state", "opened_at", "updated_at"])
    stdout.write(
        f"General Assembly: “{TITLE}” in session today (chair board@demo.ensie.eu), "
        f"{assembly.agenda_items.count()} agenda items."
    )
    return [("General Assembly chair", "board@demo.ensie.eu", DEMO_PASSWORD), *logins]
