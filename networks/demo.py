"""Demo data for the membership area, loaded by ``manage.py load_demo`` (idempotent).

The three member networks the join page's seed names (France's Fédération des entreprises
d'insertion, Hungary's Szimbiózis, Romania's Viitor Plus) are real organisations; their figures
here are illustrative. The other networks are fictional. The fee schedule is an example.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from assemblies.models import GeneralAssembly
from ensie_portal.core.demo import DEMO_PASSWORD, demo_user

from .fees.services import membership_fee_create
from .models import (
    Application,
    CountryGroup,
    Criterion,
    CriterionAssessment,
    FeeAmount,
    FeeBand,
    FeeSchedule,
    JoinDocument,
    MembershipFee,
    Network,
    Representative,
)

MEMBERS = [
    {
        "slug": "fei-france",
        "legal_name": "Fédération des entreprises d'insertion",
        "acronym": "FEI",
        "country": "FR",
        "city": "Paris",
        "wise_count": 600,
        "member_since": datetime.date(2001, 5, 11),
        "website": "https://www.lesentreprisesdinsertion.org",
        "description": (
            "The French federation of work integration enterprises and temporary work "
            "integration enterprises. (Demo data: the figures are illustrative.)"
        ),
    },
    {
        "slug": "szimbiozis-hungary",
        "legal_name": "Szimbiózis Alapítvány",
        "acronym": "Szimbiózis",
        "country": "HU",
        "city": "Miskolc",
        "wise_count": 12,
        "member_since": datetime.date(2012, 6, 1),
        "description": (
            "A Hungarian foundation working for the social and work integration of people "
            "with disabilities. (Demo data: the figures are illustrative.)"
        ),
    },
    {
        "slug": "viitor-plus-romania",
        "legal_name": "Asociația Viitor Plus",
        "acronym": "Viitor Plus",
        "country": "RO",
        "city": "București",
        "wise_count": 8,
        "member_since": datetime.date(2015, 6, 1),
        "description": (
            "A Romanian association for sustainable development running social enterprises. "
            "(Demo data: the figures are illustrative.)"
        ),
    },
    {
        "slug": "demo-wise-network-belgium",
        "legal_name": "Demo WISE Network Belgium",
        "country": "BE",
        "city": "Namur",
        "wise_count": 45,
        "member_since": datetime.date(2005, 6, 1),
        "description": "A fictional network for the demo.",
    },
    {
        "slug": "demo-wise-network-spain",
        "legal_name": "Demo WISE Network Spain",
        "country": "ES",
        "city": "Valencia",
        "wise_count": 120,
        "member_since": datetime.date(2009, 6, 1),
        "description": "A fictional network for the demo.",
    },
]

Status = Application.Status
# Fictional applicants, one per interesting state: (country name, code, state).
APPLICANTS = [
    (f"demo-applicant-{name.lower()}", f"Demo Applicant Network {name}", code, state)
    for name, code, state in [
        ("Portugal", "PT", Status.INTEREST),
        ("Ireland", "IE", Status.MEETING_SCHEDULED),
        ("Austria", "AT", Status.MEETING_HELD),
        ("Slovenia", "SI", Status.UNDER_REVIEW),
        ("Finland", "FI", Status.CHANGES_REQUESTED),
        ("Croatia", "HR", Status.ELIGIBLE),
        ("Poland", "PL", Status.ON_AGENDA),
    ]
]
# The demo applicant login represents the Austrian network: its request is to fill in.
DEMO_APPLICANT_SLUG = "demo-applicant-austria"

EXAMPLE_GROUPS = [
    ("Group A", "AT BE DE DK FI FR IE IT LU NL SE".split(), False),
    ("Group B", "CY CZ EE ES GR MT PT SI".split(), False),
    ("Group C", [], True),
]
EXAMPLE_BANDS = [
    ((1, 20), ("600", "400", "250")),
    ((21, 100), ("1200", "800", "500")),
    ((101, 500), ("2400", "1600", "1000")),
    ((501, None), ("3600", "2400", "1500")),
]


def _pdf(title: str) -> bytes:
    """A tiny valid one-page PDF showing ``title`` (ASCII only)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 50 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _fee_schedule(year: int) -> FeeSchedule:
    schedule, _ = FeeSchedule.objects.update_or_create(
        year=year,
        defaults={
            "is_example": True,
            "notes": "Example figures for the demo; ENSIE's fees are in Art. 2 of its ROI.",
        },
    )
    groups = []
    for position, (name, countries, is_default) in enumerate(EXAMPLE_GROUPS):
        group, _ = CountryGroup.objects.update_or_create(
            schedule=schedule,
            name=name,
            defaults={"countries": countries, "is_default": is_default, "position": position},
        )
        groups.append(group)
    for (low, high), amounts in EXAMPLE_BANDS:
        band, _ = FeeBand.objects.update_or_create(
            schedule=schedule, min_wises=low, defaults={"max_wises": high}
        )
        for group, amount in zip(groups, amounts, strict=True):
            FeeAmount.objects.update_or_create(
                band=band, group=group, defaults={"amount": Decimal(amount)}
            )
    return schedule


def _documents() -> None:
    titles = {
        (JoinDocument.Kind.WHY_JOIN, "en"): "Why join ENSIE?",
        (JoinDocument.Kind.WHY_JOIN, "fr"): "Pourquoi rejoindre ENSIE ?",
        (JoinDocument.Kind.INTERNAL_REGULATIONS, "en"): "Internal Regulations (2021)",
        (JoinDocument.Kind.INTERNAL_REGULATIONS, "fr"): "Règlement d'ordre intérieur (2021)",
        (JoinDocument.Kind.STATUTES, "en"): "Statutes",
        (JoinDocument.Kind.STATUTES, "fr"): "Statuts",
    }
    for (kind, language), title in titles.items():
        document, _ = JoinDocument.objects.update_or_create(
            kind=kind, language=language, defaults={"title": title, "is_published": True}
        )
        if not document.file or not document.file.storage.exists(document.file.name):
            content = _pdf(f"{title} - demo placeholder; staff upload the real document.")
            document.file.save(f"{kind}-{language}.pdf", ContentFile(content), save=True)


def _fill_reasoned_request(application: Application, assembly: GeneralAssembly) -> None:
    network = application.network
    application.legal_name = network.legal_name
    application.legal_form = "Association"
    application.registration_number = f"DEMO-{network.pk:05d}"
    application.head_office_address = f"1 Demo Street, {network.city or 'Capital'}"
    application.head_office_country = network.country
    application.date_founded = datetime.date(2010, 1, 15)
    application.wise_count = network.wise_count
    application.sectors = "Recycling, catering, green spaces"
    application.regions_covered = network.country.name
    application.representatives_info = f"{application.contact_name}, director"
    application.adheres_to_statutes = True
    application.adheres_to_declaration = True
    application.adheres_to_internal_rules = True
    application.assembly = assembly
    application.submitted_at = application.submitted_at or timezone.now()
    for field, title in (("motivation_letter", "Motivation letter"), ("statutes", "Statutes")):
        file = getattr(application, field)
        if not file or not file.storage.exists(file.name):
            file.save(f"{field}.pdf", ContentFile(_pdf(f"{title} of {network}")), save=False)
            setattr(application, f"{field}_name", f"{field.replace('_', '-')}.pdf")
            setattr(application, f"{field}_uploaded_at", timezone.now())


def load(*, stdout) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    schedule = _fee_schedule(today.year)
    assembly, _ = GeneralAssembly.objects.update_or_create(
        title=f"General Assembly {today.year + 1}",
        defaults={
            "date": today + datetime.timedelta(days=45),
            "start_time": datetime.time(10, 0),
            "place": "Brussels",
            "online_link": "https://meet.example.org/ensie-ga",
            "status": GeneralAssembly.Status.PLANNED,
        },
    )
    GeneralAssembly.objects.update_or_create(
        title=f"Autumn General Assembly {today.year + 1}",
        defaults={"date": today + datetime.timedelta(days=200), "place": "Online"},
    )
    _documents()

    member_user = demo_user(
        "member@demo.ensie.eu",
        display_name="Marie Membre",
        organisation="Fédération des entreprises d'insertion",
        language="fr",
    )
    for position, data in enumerate(MEMBERS):
        data = dict(data)
        network, _ = Network.objects.update_or_create(
            slug=data.pop("slug"), defaults={**data, "status": Network.Status.MEMBER}
        )
        fee = membership_fee_create(network=network, year=today.year)
        if position % 2 == 0 and fee.paid_on is None:
            MembershipFee.objects.filter(pk=fee.pk).update(paid_on=today.replace(month=1, day=31))
        if network.slug == "fei-france":
            Representative.objects.get_or_create(
                network=network, user=member_user, defaults={"is_main_contact": True}
            )

    applicant_user = demo_user(
        "applicant@demo.ensie.eu",
        display_name="Anton Applicant",
        organisation="Demo Applicant Network Austria",
    )
    contacts = {DEMO_APPLICANT_SLUG: applicant_user}
    for slug, name, country, status in APPLICANTS:
        network, _ = Network.objects.update_or_create(
            slug=slug,
            defaults={
                "legal_name": name,
                "country": country,
                "wise_count": 30,
                "status": Network.Status.APPLICANT,
                "description": "A fictional applicant for the demo.",
            },
        )
        contact = contacts.get(slug) or demo_user(
            f"{slug}@demo.ensie.eu", display_name=f"Contact of {name}", organisation=name
        )
        Representative.objects.get_or_create(
            network=network, user=contact, defaults={"is_main_contact": True}
        )
        application = Application.objects.filter(network=network).first() or Application(
            network=network
        )
        application.status = status
        application.contact_name = contact.display_name
        application.contact_email = contact.email
        application.message = "We would like to join ENSIE. (Demo)"
        if status != Application.Status.INTEREST:
            application.meeting_at = timezone.now() + datetime.timedelta(days=7)
            application.meeting_link = "https://meet.example.org/ensie-meeting"
        application.save()
        if status in (
            Application.Status.UNDER_REVIEW,
            Application.Status.CHANGES_REQUESTED,
            Application.Status.ELIGIBLE,
            Application.Status.ON_AGENDA,
        ):
            _fill_reasoned_request(application, assembly)
            if status == Application.Status.CHANGES_REQUESTED:
                application.board_message = "Please upload the statutes as registered."
            application.save()
            for code in Criterion.values:
                result = (
                    CriterionAssessment.Result.UNCLEAR
                    if status == Application.Status.UNDER_REVIEW and code.startswith("wise_")
                    else CriterionAssessment.Result.MET
                )
                CriterionAssessment.objects.update_or_create(
                    application=application, criterion=code, defaults={"result": result}
                )
    stdout.write(
        f"Membership: {len(MEMBERS)} member networks, {len(APPLICANTS)} applications, "
        f"fee schedule {schedule.year} (example), assembly on {assembly.date}."
    )
    return [
        ("member network representative (FEI)", "member@demo.ensie.eu", DEMO_PASSWORD),
        ("applicant (reasoned request to fill)", "applicant@demo.ensie.eu", DEMO_PASSWORD),
    ]
