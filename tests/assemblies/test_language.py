"""Assembly titles and motions are written by staff in one language: pages and emails in the
other language mark them (WCAG 3.1.2)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from assemblies import services
from assemblies.models import AgendaItem
from ensie_portal.outbox.models import OutgoingMail
from tests.assemblies.factories import AssemblyInSessionFactory, MotionFactory, member
from tests.factories import make_board_member, make_staff
from tests.networks.factories import GeneralAssemblyFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


def test_a_french_assembly_and_motion_are_marked_on_english_pages(client):
    assembly = AssemblyInSessionFactory(title="Assemblée générale 2027", language="fr")
    MotionFactory(
        assembly=assembly,
        title="Budget de l’année",
        description="Le budget est adopté.",
        language="fr",
    )
    MotionFactory(assembly=assembly, title="Annual report", language="en")
    _network, user = member(assembly)
    client.force_login(user)
    page = client.get(reverse("assemblies:assembly_detail", args=[assembly.pk])).content.decode()
    assert '<h1 lang="fr">Assemblée générale 2027</h1>' in page
    assert '<span lang="fr">Budget de l’année</span></h3>' in page
    assert '<p lang="fr">Le budget est adopté.</p>' in page
    assert "2. Annual report</h3>" in page
    listing = client.get(reverse("assemblies:assembly_list")).content.decode()
    assert '<span lang="fr">Assemblée générale 2027</span></a>' in listing


def test_a_french_page_marks_english_titles_only(client):
    assembly = AssemblyInSessionFactory(title="General Assembly 2027", language="en")
    MotionFactory(assembly=assembly, title="Budget", language="en")
    _network, user = member(assembly)
    client.force_login(user)
    page = client.get(f"/fr/assemblies/{assembly.pk}/").content.decode()
    assert '<h1 lang="en">General Assembly 2027</h1>' in page
    assert '<span lang="en">Budget</span></h3>' in page


def test_staff_say_which_language_a_motion_is_written_in(client):
    staff = make_staff()
    assembly = GeneralAssemblyFactory(chair=make_board_member())
    client.force_login(staff)
    page = client.get(reverse("assemblies:staff_assembly", args=[assembly.pk])).content.decode()
    assert 'name="language"' in page
    client.post(
        reverse("assemblies:staff_motion_add", args=[assembly.pk]),
        {"title": "Cotisations", "description": "", "majority": "simple", "language": "fr"},
    )
    motion = AgendaItem.objects.get(assembly=assembly)
    assert (motion.title, motion.language) == ("Cotisations", "fr")


@time_machine.travel(NOW, tick=False)
def test_the_convocation_marks_titles_of_the_other_language_in_its_html_part():
    staff = make_staff()
    assembly = GeneralAssemblyFactory(
        date=datetime.date(2027, 5, 1), chair=make_board_member(), title="AG 2027", language="fr"
    )
    services.agenda_motion_add(assembly=assembly, actor=staff, title="Budget", language="fr")
    _network, english = member(assembly, present=False)
    services.assembly_convene(assembly=assembly, actor=staff)
    mail = OutgoingMail.objects.get(to_email=english.email)
    assert "AG 2027" in mail.subject
    assert "<span" not in mail.body_text
    assert "“AG 2027”" in mail.body_text
    assert '<span lang="fr">AG 2027</span>' in mail.body_html
    assert '<li><span lang="fr">Budget</span>' in mail.body_html
