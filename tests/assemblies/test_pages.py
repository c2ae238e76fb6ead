"""The General Assembly pages as each user sees them: the permission matrix, results, CSV."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from assemblies.models import AgendaItem, Attendance, GeneralAssembly, Vote
from assemblies.services import assembly_vote_cast, assembly_vote_close
from networks.models import Application
from tests.assemblies.factories import (
    AssemblyInSessionFactory,
    MotionFactory,
    adhesion_item,
    member,
)
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import GeneralAssemblyFactory

pytestmark = pytest.mark.django_db
VoteState = AgendaItem.VoteState


@pytest.fixture
def assembly():
    return AssemblyInSessionFactory()


@pytest.fixture
def motion(assembly):
    return MotionFactory(assembly=assembly, title="Budget 2027")


def vote_url(item, network):
    return reverse("assemblies:assembly_vote", args=[item.assembly_id, item.pk, network.pk])


# --- Members --------------------------------------------------------------------------------


def test_a_representative_votes_for_their_network_from_the_assembly_page(client, motion):
    network, user = member(motion.assembly)
    client.force_login(user)
    page = client.get(reverse("assemblies:assembly_detail", args=[motion.assembly_id]))
    assert f'action="{vote_url(motion, network)}"' in page.content.decode()
    response = client.post(vote_url(motion, network), {"choice": "no"}, follow=True)
    assert "is recorded" in response.content.decode()
    assert Vote.objects.get().choice == "no"


def test_another_networks_vote_target_is_a_404(client, motion):
    network, _user = member(motion.assembly)
    _own, intruder = member(motion.assembly)
    client.force_login(intruder)
    assert client.post(vote_url(motion, network), {"choice": "yes"}).status_code == 404
    assert not Vote.objects.exists()


def test_an_item_of_another_assembly_is_a_404(client, motion):
    other = MotionFactory()
    network, user = member(motion.assembly)
    client.force_login(user)
    url = reverse("assemblies:assembly_vote", args=[motion.assembly_id, other.pk, network.pk])
    assert client.post(url, {"choice": "yes"}).status_code == 404


def test_a_refused_vote_is_explained_on_the_page(client, motion):
    network, user = member(motion.assembly, paid=False)
    client.force_login(user)
    response = client.post(vote_url(motion, network), {"choice": "yes"}, follow=True)
    assert "annual fee" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_representative_checks_in_from_the_page(client, assembly):
    network, user = member(assembly, present=False)
    client.force_login(user)
    url = reverse("assemblies:assembly_check_in", args=[assembly.pk, network.pk])
    client.post(url)
    assert Attendance.objects.get().network == network


def test_checking_in_another_network_is_a_404(client, assembly):
    network, _ = member(assembly, present=False)
    _own, intruder = member(assembly, present=False)
    client.force_login(intruder)
    url = reverse("assemblies:assembly_check_in", args=[assembly.pk, network.pk])
    assert client.post(url).status_code == 404


def test_votes_are_post_only(client, motion):
    network, user = member(motion.assembly)
    client.force_login(user)
    assert client.get(vote_url(motion, network)).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, motion):
    response = client.get(reverse("assemblies:assembly_detail", args=[motion.assembly_id]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_user_who_represents_no_member_sees_no_assembly(client, assembly):
    client.force_login(UserFactory())
    assert client.get(reverse("assemblies:assembly_detail", args=[assembly.pk])).status_code == 404
    page = client.get(reverse("assemblies:assembly_list")).content.decode()
    assert "No General Assembly" in page


def test_members_do_not_see_a_planned_assembly(client):
    planned = GeneralAssemblyFactory()
    _network, user = member(planned)
    client.force_login(user)
    assert client.get(reverse("assemblies:assembly_detail", args=[planned.pk])).status_code == 404


def test_members_see_results_once_the_vote_is_closed(client, motion):
    network, user = member(motion.assembly, country="FR")
    assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")
    client.force_login(user)
    url = reverse("assemblies:assembly_detail", args=[motion.assembly_id])
    assert "Vote of each country" not in client.get(url).content.decode()
    assembly_vote_close(item=motion, actor=motion.assembly.chair)
    page = client.get(url).content.decode()
    assert "Vote of each country" in page
    assert "France" in page
    assert "Adopted" in page


def test_the_assembly_page_makes_a_fixed_number_of_queries(
    client, motion, django_assert_max_num_queries
):
    _network, user = member(motion.assembly)
    for _ in range(5):
        member(motion.assembly)
        MotionFactory(assembly=motion.assembly, vote_state=VoteState.CLOSED)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assemblies:assembly_detail", args=[motion.assembly_id]))
    assert response.status_code == 200


# --- The chair ------------------------------------------------------------------------------


def chair_url(assembly):
    return reverse("assemblies:assembly_chair", args=[assembly.pk])


def test_the_chairs_screen_shows_the_running_count_not_the_choices_and_refreshes(client, motion):
    first, first_user = member(motion.assembly)
    member(motion.assembly)
    assembly_vote_cast(item=motion, network=first, actor=first_user, choice="no")
    client.force_login(motion.assembly.chair)
    page = client.get(chair_url(motion.assembly)).content.decode()
    assert "1 of 2 networks has voted." in page
    assert '<meta http-equiv="refresh" content="10">' in page
    assert first.legal_name in page  # attendance table
    assert "Vote of each country" not in page
    assert (
        'http-equiv="refresh"'
        not in client.get(chair_url(motion.assembly) + "?auto=off").content.decode()
    )


def test_the_chairs_screen_does_not_refresh_when_no_vote_is_open(client, assembly):
    MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    client.force_login(assembly.chair)
    assert 'http-equiv="refresh"' not in client.get(chair_url(assembly)).content.decode()


@pytest.mark.parametrize("who", ["staff", "representative", "other user"])
def test_only_the_chair_reaches_the_chairs_screen_and_actions(client, motion, who):
    _network, representative = member(motion.assembly)
    user = {"staff": make_staff(), "representative": representative, "other user": UserFactory()}[
        who
    ]
    client.force_login(user)
    pk = motion.assembly_id
    assert client.get(chair_url(motion.assembly)).status_code == 404
    assert (
        client.post(reverse("assemblies:assembly_vote_close", args=[pk, motion.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("assemblies:assembly_vote_open", args=[pk, motion.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("assemblies:assembly_session", args=[pk]), {"to": "closed"}).status_code
        == 404
    )
    assert client.post(reverse("assemblies:assembly_attendance", args=[pk]), {}).status_code == 404
    assert client.get(reverse("assemblies:assembly_attendance", args=[pk])).status_code == 404
    assert client.get(reverse("assemblies:assembly_session_close", args=[pk])).status_code == 404
    assert client.post(reverse("assemblies:assembly_session_close", args=[pk])).status_code == 404
    motion.refresh_from_db()
    assert motion.vote_state == VoteState.OPEN


def test_the_chair_opens_a_vote_then_closes_it_after_a_confirmation_page(client, assembly):
    item = MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    client.force_login(assembly.chair)
    client.post(reverse("assemblies:assembly_vote_open", args=[assembly.pk, item.pk]))
    item.refresh_from_db()
    assert item.vote_state == VoteState.OPEN
    close_url = reverse("assemblies:assembly_vote_close", args=[assembly.pk, item.pk])
    assert "Yes, close the vote" in client.get(close_url).content.decode()
    item.refresh_from_db()
    assert item.vote_state == VoteState.OPEN
    client.post(close_url)
    item.refresh_from_db()
    assert item.vote_state == VoteState.CLOSED


def test_the_chair_records_attendance_with_checkboxes(client, assembly):
    network, _ = member(assembly, present=False)
    client.force_login(assembly.chair)
    client.post(
        reverse("assemblies:assembly_attendance", args=[assembly.pk]), {"present": [network.pk]}
    )
    assert Attendance.objects.get().network == network


@pytest.mark.parametrize(
    ("language", "order"),
    [
        ("", ["Chantier France", "Netzwerk Deutschland", "Red España"]),
        ("/fr", ["Netzwerk Deutschland", "Red España", "Chantier France"]),
    ],
)
@pytest.mark.parametrize("page", ["assembly_chair", "assembly_attendance"])
def test_the_chair_finds_the_networks_by_the_name_of_their_country(
    client, assembly, page, language, order
):
    """Germany, France, Spain by name in English; Allemagne, Espagne, France in French; never
    by code (DE, ES, FR)."""
    for name, country in [
        ("Red España", "ES"),
        ("Chantier France", "FR"),
        ("Netzwerk Deutschland", "DE"),
    ]:
        network, _ = member(assembly, country=country)
        type(network).objects.filter(pk=network.pk).update(legal_name=name)
    client.force_login(assembly.chair)
    html = client.get(language + reverse(f"assemblies:{page}", args=[assembly.pk])).content
    text = html.decode()
    assert sorted(order, key=text.index) == order


def test_closing_an_adhesion_vote_from_the_chairs_screen_admits_the_network(client, assembly):
    item = adhesion_item(assembly)
    network, user = member(assembly)
    assembly_vote_cast(item=item, network=network, actor=user, choice="yes")
    client.force_login(assembly.chair)
    client.post(reverse("assemblies:assembly_vote_close", args=[assembly.pk, item.pk]))
    assert Application.objects.get(pk=item.application_id).status == Application.Status.ADMITTED


def test_the_chairs_screen_makes_a_fixed_number_of_queries(
    client, motion, django_assert_max_num_queries
):
    for _ in range(5):
        member(motion.assembly)
        MotionFactory(assembly=motion.assembly)
    client.force_login(motion.assembly.chair)
    with django_assert_max_num_queries(12):
        assert client.get(chair_url(motion.assembly)).status_code == 200


# --- The record -----------------------------------------------------------------------------


def record(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # spreadsheets then read UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_record_lists_attendance_every_vote_with_who_cast_it_and_the_outcome(client, motion):
    network, user = member(motion.assembly, country="FR")
    assembly_vote_cast(item=motion, network=network, actor=user, choice="yes")
    assembly_vote_close(item=motion, actor=motion.assembly.chair)
    client.force_login(motion.assembly.chair)
    rows = record(client.get(reverse("assemblies:assembly_record", args=[motion.assembly_id])))
    assert rows[0] == ["section", "item", "network", "country", "value", "by", "at"]
    assert ["attendance", "", network.legal_name, "FR", "present"] == rows[2][:5]
    vote = next(row for row in rows if row[0] == "vote")
    assert vote[:6] == ["vote", "Budget 2027", network.legal_name, "FR", "yes", user.email]
    outcome = next(row for row in rows if row[0] == "outcome")
    assert outcome[4] == (
        "adopted; simple majority (more yes than no); quorum met (1/1 countries); yes 1; no 0; "
        "abstain 0; blank (networks disagree) 0"
    )
    assert ["country vote", "Budget 2027", "", "FR", "yes", "", ""] in rows


def test_a_french_user_gets_the_record_in_french(client):
    assembly = AssemblyInSessionFactory(chair=make_board_member(preferred_language="fr"))
    motion = MotionFactory(assembly=assembly, title="=Budget 2027")
    network, user = member(assembly, country="FR")
    Attendance.objects.filter(network=network).update(self_checked_in=True)
    assembly_vote_cast(item=motion, network=network, actor=user, choice="abstain")
    assembly_vote_close(item=motion, actor=assembly.chair)
    client.force_login(assembly.chair)
    with translation.override("fr"):
        url = reverse("assemblies:assembly_record", args=[assembly.pk])
    rows = record(client.get(url))
    assert rows[0] == ["rubrique", "point", "réseau", "pays", "valeur", "par", "date et heure"]
    assert rows[1][:5] == ["assemblée", assembly.title, "", "", "en séance"]
    assert rows[2][:6] == [
        "présence", "", network.legal_name, "FR", "présent",
        "présence signalée par son représentant",
    ]  # fmt: skip
    assert rows[3][:6] == ["vote", "'=Budget 2027", network.legal_name, "FR", "abstention",
                           user.email]  # fmt: skip
    outcome = next(row for row in rows if row[0] == "résultat")
    assert outcome[4] == (
        "refusé\u00a0; majorité simple (plus de oui que de non)\u00a0; quorum atteint (1/1 pays)"
        "\u00a0; oui 0\u00a0; non 0\u00a0; abstention 1"
        "\u00a0; blanc (les réseaux sont en désaccord) 0"
    )
    assert ["vote du pays", "'=Budget 2027", "", "FR", "abstention", "", ""] in rows


def test_the_record_never_starts_a_cell_with_a_formula(client, assembly):
    MotionFactory(assembly=assembly, title="=HYPERLINK(1)")
    client.force_login(assembly.chair)
    content = client.get(reverse("assemblies:assembly_record", args=[assembly.pk])).content.decode()
    assert "'=HYPERLINK(1)" in content


def test_staff_download_the_record_but_representatives_do_not(client, motion):
    _network, representative = member(motion.assembly)
    url = reverse("assemblies:assembly_record", args=[motion.assembly_id])
    client.force_login(representative)
    assert client.get(url).status_code == 404
    client.force_login(make_staff())
    assert client.get(url).status_code == 200


# --- Staff: convocation ---------------------------------------------------------------------


def test_a_late_convocation_needs_the_box_ticked_on_the_confirmation_page(client):
    staff = make_staff()
    assembly = GeneralAssemblyFactory(
        date=timezone.localdate() + datetime.timedelta(days=10), chair=make_board_member()
    )
    MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    client.force_login(staff)
    url = reverse("assemblies:staff_assembly_convene", args=[assembly.pk])
    page = client.get(url).content.decode()
    assert 'name="confirm_late"' in page
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Tick this box" in response.content.decode()
    assembly.refresh_from_db()
    assert assembly.status == GeneralAssembly.Status.PLANNED
    client.post(url, {"confirm_late": "on"})
    assembly.refresh_from_db()
    assert assembly.status == GeneralAssembly.Status.CONVENED


@time_machine.travel(datetime.datetime(2027, 1, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_timely_convocation_has_no_checkbox(client):
    assembly = GeneralAssemblyFactory(date=datetime.date(2027, 3, 1), chair=make_board_member())
    MotionFactory(assembly=assembly, vote_state=VoteState.NOT_OPEN)
    client.force_login(make_staff())
    url = reverse("assemblies:staff_assembly_convene", args=[assembly.pk])
    assert 'name="confirm_late"' not in client.get(url).content.decode()
    client.post(url, {})
    assembly.refresh_from_db()
    assert assembly.status == GeneralAssembly.Status.CONVENED


def test_staff_add_a_motion_and_a_missing_title_is_shown_next_to_the_field(client, assembly):
    client.force_login(make_staff())
    url = reverse("assemblies:staff_motion_add", args=[assembly.pk])
    response = client.post(url, {"title": "", "description": "Kept text", "majority": "simple"})
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()
    assert 'aria-describedby="id_title_errors"' in response.content.decode()
    client.post(url, {"title": "Budget", "majority": "two_thirds"})
    assert AgendaItem.objects.get().majority == "two_thirds"


@pytest.mark.parametrize("who", ["chair", "representative"])
def test_only_staff_reach_the_preparation_pages(client, motion, who):
    _network, representative = member(motion.assembly)
    client.force_login(motion.assembly.chair if who == "chair" else representative)
    response = client.get(reverse("assemblies:staff_assembly", args=[motion.assembly_id]))
    assert response.status_code == 403


def test_the_assembly_list_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    assembly = AssemblyInSessionFactory()
    _network, user = member(assembly)
    for _ in range(5):
        AssemblyInSessionFactory(status=GeneralAssembly.Status.CLOSED)
    GeneralAssemblyFactory(title="Still planned")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("assemblies:assembly_list")).content.decode()
    assert page.count('href="/assemblies/') == 6
    assert "Still planned" not in page
