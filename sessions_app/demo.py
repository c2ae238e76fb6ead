"""Demo data for this app, loaded by ``manage.py load_demo`` (idempotent).

Session 7 and its speakers are the real content of the Commission's page "Online session 7:
Work Integration Social Enterprises", which exists in English only: the French pages show it in
English, marked as such. The other sessions of the series are illustrative, in both languages.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ensie_portal.accounts.models import User

from . import demo_inbound_emails
from .models import Registration, Session, Speaker

SESSION_7_SUMMARY = (
    "As a result of our collection of best practices from Social Economy and civil society in "
    "the fight against the Corona virus, we decided to share some of them in thematic on-line "
    "sessions. This one is about work integration social enterprises (WISEs), in cooperation "
    "with ENSIE and EASPD."
)

SESSION_7_DESCRIPTION = """\
This will give the chance to analyse and understand the modus operandi and allow learning
opportunities for other regions, cities, ecosystems and social enterprises.

We have selected for this session the topic of "Work integration social enterprises" (WISEs) in
cooperation with ENSIE and EASPD. WISEs have come under serious pressure since the COVID-19
crisis broke out, but they also showed a great sense of innovation and resilience by
maintaining activity in different ways and reshuffling production towards urgent equipment.
Today they are, for example, a major contributor to the production of masks. Meanwhile, their
social and care operations had to keep on running and be prioritised. How these companies
combined both is what this online session shows.

You can register until the meeting starts. The participation link will be provided by email.
"""

SESSION_7_POINTS = """\
How WISEs kept their activity running during the COVID-19 crisis
Reshuffling production towards urgent equipment such as masks
Keeping social and care operations running, and prioritising them
What other regions, cities and social enterprises can learn from them
"""

SESSION_7_SPEAKERS = [
    {
        "name": "Olivier Dupuis",
        "role": "Director",
        "organisation": "La fédération des entreprises d'insertion",
        "country": "FR",
        "biography": (
            "La Fédération des Entreprises d'Insertion represents integration enterprises and "
            "temporary work integration enterprises in France. As part of the social and "
            "solidarity economy, they have an economic model with a social purpose that combines "
            "salaried work, support, and skills acquisition in order to promote access to "
            "sustainable employment for people in social and professional difficulty. Recycling, "
            "cleaning, temporary work, transport, public works, green spaces, catering... "
            "integration companies operate in many sectors of activity."
        ),
    },
    {
        "name": "László Jakubinyi",
        "role": "President",
        "organisation": "Szimbiózis Foundation",
        "country": "HU",
        "biography": (
            "The Symbiosis Foundation was established in 1999 primarily to improve the deficient "
            "residential and occupational service of people with disabilities in the north-eastern "
            "region of Hungary. They support more than 400 disabled people and their families by "
            "providing a wide range of social services for families who raise a child with "
            "disability (special transport, day care, respite care, special camps), and assist "
            "adult disabled people with their striving for independence (occupation, home "
            "centres/supported housing, trainings, therapies, sports and outdoor activities)."
        ),
    },
    {
        "name": "Andreea Savin",
        "role": "Atelier Manager",
        "organisation": "Viitor Plus",
        "country": "RO",
        "biography": (
            "Atelierul de Pânză is a social project employing people with disabilities. It was "
            "created by an environmental NGO, ViitorPlus. Because of their environmental ethics, "
            "they would not consider producing masks from plastic or other non-reusable "
            "materials. Atelier de Pânză was praised by international media for its quick "
            'reaction in the COVID-19 crisis: "Small-scale artisan creators have re-oriented '
            'their workshops to make and distribute potentially life-saving equipment".'
        ),
    },
]

FORMAT = "The meeting format is classic: 15-25 min presentation, 10-15 min Q&A and discussion."
ACCESS_NOTE = (
    'The meeting will be organised via "WebEx Meetings". The application can be downloaded, '
    "however this is not mandatory (browser access is possible)."
)
# The illustrative sessions' French texts (session 7 has none: its source is English only).
FORMAT_FR = (
    "Le format de la réunion est classique : 15 à 25 min de présentation, 10 à 15 min de "
    "questions et de discussion."
)
ACCESS_NOTE_FR = (
    "La réunion se tient sur « WebEx Meetings ». L’application peut être téléchargée, mais ce "
    "n’est pas obligatoire (l’accès par le navigateur est possible)."
)

# (number, English title, French title, slug, weeks from now, capacity, registrants)
OTHER_SESSIONS = [
    (
        5,
        "Social enterprises and public procurement",
        "Entreprises sociales et marchés publics",
        "public-procurement",
        -8,
        None,
        6,
    ),
    (
        6,
        "Social economy and local food chains",
        "Économie sociale et circuits alimentaires locaux",
        "local-food-chains",
        -4,
        60,
        4,
    ),
    (
        8,
        "Digital skills in work integration",
        "Compétences numériques et insertion par le travail",
        "digital-skills",
        4,
        3,
        5,
    ),
    (
        9,
        "Financing social enterprises after the crisis",
        "Financer les entreprises sociales après la crise",
        "financing-after-the-crisis",
        8,
        None,
        0,
    ),
]

REGISTRANTS = [
    ("Marie Lambert", "marie.lambert@example.org", "Réseau des ESI", "BE", "fr"),
    ("Jan Novak", "jan.novak@example.org", "Social Economy Network", "CZ", "en"),
    ("Lucía García", "lucia.garcia@example.org", "FAEDEI", "ES", "en"),
    ("Pieter de Vries", "pieter.devries@example.org", "Social Enterprise NL", "NL", "en"),
    ("Anna Rossi", "anna.rossi@example.org", "Consorzio WISE", "IT", "en"),
    ("Claire Martin", "claire.martin@example.org", "Chantier école", "FR", "fr"),
]


def _at(weeks: int, hour: int, minute: int) -> datetime:
    """A weekday ``weeks`` from today at the given Brussels time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    day = timezone.localdate() + timedelta(weeks=weeks)
    while day.weekday() != 3:  # Thursday
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _session(number, title, slug, starts_at, **extra) -> Session:
    defaults = {
        "title_en": title,
        "slug": slug,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=90),
        "format_en": FORMAT,
        "platform": "WebEx Meetings",
        "access_note_en": ACCESS_NOTE,
        "partners": "ENSIE\nEASPD",
        "status": Session.Status.PUBLISHED,
        **extra,
    }
    session, _created = Session.objects.update_or_create(number=number, defaults=defaults)
    return session


def _registrants(session: Session, count: int) -> None:
    for index, (name, email, organisation, country, language) in enumerate(REGISTRANTS[:count]):
        over_capacity = session.capacity is not None and index >= session.capacity
        status = Registration.Status.WAITING if over_capacity else Registration.Status.CONFIRMED
        Registration.objects.update_or_create(
            session=session,
            email=email,
            defaults={
                "name": name,
                "organisation": organisation,
                "country": country,
                "language": language,
                "status": status,
                "confirmed_at": session.created_at,
                "attended": session.has_ended() and index % 3 != 2,
            },
        )


def load(*, stdout) -> list[tuple[str, str, str]]:
    organiser = User.objects.filter(email="organiser@demo.ensie.eu").first()
    session = _session(
        7,
        "Work Integration Social Enterprises",
        "work-integration-social-enterprises",
        _at(2, 10, 30),
        summary_en=SESSION_7_SUMMARY,
        description_en=SESSION_7_DESCRIPTION,
        discussion_points_en=SESSION_7_POINTS,
    )
    for order, speaker in enumerate(SESSION_7_SPEAKERS, start=1):
        Speaker.objects.update_or_create(
            session=session, name=speaker["name"], defaults={**speaker, "order": order}
        )
    _registrants(session, 5)
    sessions = [session]
    for number, title, title_fr, slug, weeks, capacity, registrants in OTHER_SESSIONS:
        other = _session(
            number,
            title,
            slug,
            _at(weeks, 10, 30),
            capacity=capacity,
            title_fr=title_fr,
            summary_en=(
                f"Work integration social enterprises share their experience: {title.lower()}."
            ),
            summary_fr=(
                "Des entreprises sociales d’insertion partagent leur expérience : "
                f"{title_fr[0].lower()}{title_fr[1:]}."
            ),
            format_fr=FORMAT_FR,
            access_note_fr=ACCESS_NOTE_FR,
        )
        _registrants(other, registrants)
        sessions.append(other)
    if organiser is not None:
        for item in sessions:
            item.organisers.add(organiser)
    stdout.write(f"Sessions: {len(sessions)} sessions, session 7 with its three speakers.")
    demo_inbound_emails.load(stdout=stdout)
    return []
