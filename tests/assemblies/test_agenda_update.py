"""The updated agenda: when the agenda changes after the convocation, the chair or staff send
it again to the convocation's recipients, once per version of the agenda, in their language."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assemblies import services
from assemblies.models import AgendaItem, Convocation, GeneralAssembly
from assemblies.selectors import agenda_as_it_stands, agenda_change, agenda_snapshot
from ensie_portal.core.errors import DomainError
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application
from networks.services import application_agenda_place, application_agenda_remove
from tests.assemblies.factories import member
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    fill_reasoned_request,
)

pytestmark = pytest.mark.django_db
AssemblyStatus = GeneralAssembly.Status


@pytest.fixture
def staff():
    return make_staff()


@pytest.fixture
def convened(staff):
    """A convened assembly with an English and a French representative of member networks."""
    assembly = GeneralAssemblyFactory(
        date=timezone.localdate() + datetime.timedelta(days=60), chair=make_board_member()
    )
    member(assembly, country="BE", present=False, representative=UserFactory(email="en@ex.org"))
    member(
        assembly,
        country="FR",
        present=False,
        representative=UserFactory(email="fr@ex.org", preferred_language="fr"),
    )
    # Convened with nothing on the agenda yet (confirmed): later changes are the subject here.
    services.assembly_convene(assembly=assembly, actor=staff, confirm_empty_agenda=True)
    assembly.refresh_from_db()
    return assembly


def place(assembly, staff, name="Réseau Nouveau"):
    """An eligible application placed on ``assembly`` by staff (as from its Board page)."""
    application = ApplicationFactory(network__legal_name=name)
    fill_reasoned_request(application, assembly=assembly)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ELIGIBLE)
    application.refresh_from_db()
    application_agenda_place(application=application, actor=staff, assembly=assembly)
    return application


def updates():
    return OutgoingMail.objects.filter(key__contains=":agenda-update:")


# --- The service ----------------------------------------------------------------------------


def test_the_convocation_remembers_the_agenda_it_sent(staff):
    assembly = GeneralAssemblyFactory(
        date=timezone.localdate() + datetime.timedelta(days=60), chair=make_board_member()
    )
    services.agenda_motion_add(assembly=assembly, actor=staff, title="Budget 2027")
    services.assembly_convene(assembly=assembly, actor=staff)
    item = AgendaItem.objects.get()
    assert Convocation.objects.get().agenda == [
        {"key": f"motion:{item.pk}", "kind": "motion", "title": "Budget 2027", "majority": "simple"}
    ]


def test_an_application_placed_after_the_convocation_is_sent_in_an_updated_agenda(staff, convened):
    application = place(convened, staff)
    update = services.assembly_agenda_update_send(assembly=convened, actor=staff)
    assert AgendaItem.objects.get(assembly=convened).application == application
    mails = {mail.to_email: mail for mail in updates()}
    assert set(mails) == {"en@ex.org", "fr@ex.org"}
    english = mails["en@ex.org"]
    assert english.subject.startswith("Updated agenda: ")
    assert "New on the agenda:\n- Adhesion of Réseau Nouveau" in english.body_text
    assert "1. Adhesion of Réseau Nouveau" in english.body_text
    assert (update.kind, update.recipients, update.sent_by) == (
        Convocation.Kind.AGENDA_UPDATE,
        2,
        staff,
    )
    entry = audit_trail(convened).get(action="agenda_update_send")
    assert entry.actor == staff
    assert entry.data["added"] == [f"application:{application.pk}"]


def test_the_updated_agenda_reads_in_french_for_a_french_representative(staff, convened):
    place(convened, staff)
    services.assembly_agenda_update_send(assembly=convened, actor=staff)
    french = updates().get(to_email="fr@ex.org")
    assert french.language == "fr"
    assert french.subject.startswith("Ordre du jour mis à jour\u00a0: ")
    assert "Nouveau à l’ordre du jour\u00a0:\n- Adhésion de Réseau Nouveau" in french.body_text
    assert "Vous recevez cet ordre du jour mis à jour en tant que représentant de" in (
        french.body_text
    )
    assert "Ordre du jour mis à jour" in french.body_html


def test_the_same_agenda_is_sent_only_once(staff, convened):
    place(convened, staff)
    services.assembly_agenda_update_send(assembly=convened, actor=staff)
    with pytest.raises(DomainError, match="already have this agenda"):
        services.assembly_agenda_update_send(assembly=convened, actor=convened.chair)
    assert updates().count() == 2
    assert Convocation.objects.filter(kind=Convocation.Kind.AGENDA_UPDATE).count() == 1


def test_an_unchanged_agenda_is_not_sent_again(staff, convened):
    with pytest.raises(DomainError, match="already have this agenda"):
        services.assembly_agenda_update_send(assembly=convened, actor=staff)
    assert not updates().exists()


def test_an_application_taken_off_the_agenda_is_named_as_removed(staff):
    assembly = GeneralAssemblyFactory(
        date=timezone.localdate() + datetime.timedelta(days=60), chair=make_board_member()
    )
    member(assembly, present=False, representative=UserFactory(email="en@ex.org"))
    application = place(assembly, staff, name="Réseau Retiré")
    services.assembly_convene(assembly=assembly, actor=staff)
    application_agenda_remove(application=application, actor=staff)
    services.assembly_agenda_update_send(assembly=assembly, actor=assembly.chair)
    body = updates().get().body_text
    assert "No longer on the agenda:\n- Adhesion of Réseau Retiré" in body
    assert "The agenda will follow." in body  # the agenda is now empty
    assert not AgendaItem.objects.filter(assembly=assembly).exists()


def test_an_agenda_changed_and_changed_back_is_sent_each_time(staff, convened):
    application = place(convened, staff)
    services.assembly_agenda_update_send(assembly=convened, actor=staff)
    application_agenda_remove(application=application, actor=staff)
    services.assembly_agenda_update_send(assembly=convened, actor=staff)
    # Back to the agenda of the convocation: the members last heard otherwise, so it goes again.
    assert updates().filter(to_email="en@ex.org").count() == 2


def test_the_agenda_shown_before_sending_is_the_agenda_sent(staff, convened):
    place(convened, staff, name="Réseau Gardé")
    dropped = place(convened, staff, name="Réseau Retiré")
    services.agenda_sync(assembly=convened)
    services.agenda_motion_add(assembly=convened, actor=staff, title="Budget 2027")
    application_agenda_remove(application=dropped, actor=staff)
    place(convened, staff, name="Réseau Nouveau")
    shown = agenda_snapshot(agenda_as_it_stands(assembly=convened))
    update = services.assembly_agenda_update_send(assembly=convened, actor=staff)
    assert update.agenda == shown
    assert [entry["title"] for entry in shown] == ["Réseau Gardé", "Budget 2027", "Réseau Nouveau"]


def test_a_representative_may_not_send_the_updated_agenda(staff, convened):
    place(convened, staff)
    _network, representative = member(convened, present=False)
    with pytest.raises(DomainError, match="not allowed"):
        services.assembly_agenda_update_send(assembly=convened, actor=representative)
    assert not updates().exists()


@pytest.mark.parametrize("status", [AssemblyStatus.PLANNED, AssemblyStatus.CLOSED])
def test_no_updated_agenda_before_the_convocation_or_after_the_close(staff, status):
    assembly = GeneralAssemblyFactory(chair=make_board_member(), status=status)
    with pytest.raises(DomainError, match="after the convocation and before the assembly closes"):
        services.assembly_agenda_update_send(assembly=assembly, actor=staff)


# --- The pages ------------------------------------------------------------------------------


def test_staff_see_that_the_agenda_changed_and_are_asked_before_it_is_sent(client, staff, convened):
    client.force_login(staff)
    page = client.get(reverse("assemblies:staff_assembly", args=[convened.pk])).content.decode()
    assert "The agenda has changed" not in page
    place(convened, staff)
    url = reverse("assemblies:staff_agenda_update", args=[convened.pk])
    page = client.get(reverse("assemblies:staff_assembly", args=[convened.pk])).content.decode()
    assert "The agenda has changed since it was last sent to the members." in page
    assert f'href="{url}"' in page
    confirmation = client.get(url).content.decode()
    assert "Adhesion of Réseau Nouveau" in confirmation
    assert "to 2 representatives" in confirmation
    assert not updates().exists()
    response = client.post(url, follow=True)
    assert "The updated agenda is on its way" in response.content.decode()
    assert updates().count() == 2
    assert "Updated agenda sent on" in response.content.decode()
    page = client.get(url).content.decode()
    assert "The members already have this agenda" in page
    assert "<form" not in page.split("<main", 1)[1]
    response = client.post(url, follow=True)
    assert "The members already have this agenda" in response.content.decode()
    assert updates().count() == 2


def test_the_chair_sends_the_updated_agenda_from_the_chairs_screen(client, staff, convened):
    place(convened, staff)
    client.force_login(convened.chair)
    url = reverse("assemblies:assembly_agenda_update", args=[convened.pk])
    chair_page = client.get(reverse("assemblies:assembly_chair", args=[convened.pk]))
    assert f'href="{url}"' in chair_page.content.decode()
    response = client.post(url)
    assert response.url == reverse("assemblies:assembly_chair", args=[convened.pk])
    assert updates().count() == 2


def test_only_the_chair_and_staff_reach_the_updated_agenda(client, staff, convened):
    place(convened, staff)
    _network, representative = member(convened, present=False)
    client.force_login(representative)
    chair_url = reverse("assemblies:assembly_agenda_update", args=[convened.pk])
    assert client.get(chair_url).status_code == 404
    assert client.post(chair_url).status_code == 404
    assert client.post(
        reverse("assemblies:staff_agenda_update", args=[convened.pk])
    ).status_code == (403)
    assert not updates().exists()


def test_the_confirmation_is_in_french_on_the_french_page(client, staff, convened):
    place(convened, staff)
    client.force_login(staff)
    with translation.override("fr"):
        url = reverse("assemblies:staff_agenda_update", args=[convened.pk])
    page = client.get(url).content.decode()
    assert "Envoyer l’ordre du jour mis à jour" in page
    assert "Nouveau à l’ordre du jour" in page


# --- Convocations sent before the agenda was recorded (migration 0006) ----------------------


def test_a_convocation_from_before_agendas_were_recorded_offers_no_update_for_the_same_agenda(
    staff,
):
    from django.apps import apps

    backfill = importlib.import_module("networks.migrations.0006_convocation_agenda_backfill")
    assembly = GeneralAssemblyFactory(
        date=timezone.localdate() + datetime.timedelta(days=60), chair=make_board_member()
    )
    place(assembly, staff, name="Réseau Ancien")
    services.agenda_motion_add(assembly=assembly, actor=staff, title="Budget 2027")
    services.assembly_convene(assembly=assembly, actor=staff)
    Convocation.objects.update(agenda=[])  # as every convocation sent before migration 0005
    assert agenda_change(assembly=assembly).changed
    planned = GeneralAssemblyFactory(status=AssemblyStatus.PLANNED)
    unrelated = Convocation.objects.create(assembly=planned, agenda=[])
    # The backfill names the models by the app they were in then ("networks").
    moved = SimpleNamespace(get_model=lambda _app, name: apps.get_model("assemblies", name))
    backfill.record_agendas(moved, None)
    assert not agenda_change(assembly=assembly).changed
    assert [entry["title"] for entry in Convocation.objects.get(assembly=assembly).agenda] == [
        "Budget 2027",
        "Réseau Ancien",  # placed on the agenda by the convocation
    ]
    unrelated.refresh_from_db()
    assert unrelated.agenda == []
    # What changes afterwards is offered as an updated agenda again.
    place(assembly, staff, name="Réseau Nouveau")
    change = agenda_change(assembly=assembly)
    assert change.changed
    assert [entry["title"] for entry in change.added] == ["Réseau Nouveau"]
