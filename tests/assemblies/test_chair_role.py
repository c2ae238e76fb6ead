"""The chair of a General Assembly is a Board member or staff (issue 12, item 2): chosen so in
the admin, refused on the chair's pages and by the services once they hold neither role. The
second factor on the chair's pages is tested with every privileged page
(tests/core/test_two_factor.py)."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assemblies import services
from assemblies.models import AgendaItem, GeneralAssembly
from ensie_portal.accounts.models import Roles
from ensie_portal.core.errors import DomainError
from tests.assemblies.factories import AssemblyInSessionFactory, MotionFactory
from tests.factories import UserFactory, make_board_member, make_staff
from tests.networks.factories import GeneralAssemblyFactory

pytestmark = pytest.mark.django_db


def admin_form(chair, **overrides):
    return {
        "title": "General Assembly 2031",
        "language": "en",
        "date": "2031-06-12",
        "start_time": "",
        "place": "Brussels",
        "online_link": "",
        "chair": chair.pk if chair else "",
        "quorum_share": "0.50",
        "agenda_items-TOTAL_FORMS": "0",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def test_the_admin_refuses_a_chair_who_is_neither_board_member_nor_staff(client):
    client.force_login(make_staff(is_superuser=True))
    someone = UserFactory(display_name="Ann Member")
    response = client.post(reverse("admin:assemblies_generalassembly_add"), admin_form(someone))
    assert response.status_code == 200
    assert "The chair must be a Board member or staff: Ann Member is neither." in (
        response.content.decode()
    )
    assert not GeneralAssembly.objects.exists()


@pytest.mark.parametrize("make_chair", [make_board_member, make_staff])
def test_the_admin_accepts_a_board_member_or_staff_as_chair(client, make_chair):
    client.force_login(make_staff(is_superuser=True))
    chair = make_chair()
    response = client.post(reverse("admin:assemblies_generalassembly_add"), admin_form(chair))
    assert response.status_code == 302
    assert GeneralAssembly.objects.get().chair == chair


def test_the_chair_search_of_the_admin_offers_board_members_and_staff_only(client):
    client.force_login(make_staff(is_superuser=True))
    board = make_board_member(display_name="Chair Candidate Board")
    staff = make_staff(display_name="Chair Candidate Staff")
    UserFactory(display_name="Chair Candidate Public")
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "assemblies",
            "model_name": "generalassembly",
            "field_name": "chair",
            "term": "Chair Candidate",
        },
    )
    ids = {int(row["id"]) for row in json.loads(response.content)["results"]}
    assert ids == {board.pk, staff.pk}


def test_a_chair_who_left_the_board_no_longer_opens_the_chair_pages(client):
    motion = MotionFactory(vote_state=AgendaItem.VoteState.NOT_OPEN)
    assembly = motion.assembly
    chair = assembly.chair
    client.force_login(chair)
    chair_url = reverse("assemblies:assembly_chair", args=[assembly.pk])
    record_url = reverse("assemblies:assembly_record", args=[assembly.pk])
    assert client.get(chair_url).status_code == 200
    assert client.get(record_url).status_code == 200

    chair.groups.remove(Group.objects.get(name=Roles.BOARD))
    assert client.get(chair_url).status_code == 404
    assert client.get(record_url).status_code == 404
    open_url = reverse("assemblies:assembly_vote_open", args=[assembly.pk, motion.pk])
    assert client.post(open_url).status_code == 404
    detail = client.get(reverse("assemblies:assembly_detail", args=[assembly.pk]))
    assert chair_url not in detail.content.decode()
    motion.refresh_from_db()
    assert motion.vote_state == AgendaItem.VoteState.NOT_OPEN


def test_the_services_refuse_a_chair_who_is_neither_board_member_nor_staff():
    assembly = AssemblyInSessionFactory(chair=UserFactory())
    motion = MotionFactory(assembly=assembly, vote_state=AgendaItem.VoteState.NOT_OPEN)
    with pytest.raises(DomainError, match="not allowed"):
        services.assembly_vote_open(item=motion, actor=assembly.chair)
    with pytest.raises(DomainError, match="not allowed"):
        services.assembly_session_close(assembly=assembly, actor=assembly.chair)


def test_an_assembly_chaired_by_someone_without_the_role_cannot_be_convened():
    assembly = GeneralAssemblyFactory(
        date=timezone.localdate() + datetime.timedelta(days=60), chair=UserFactory()
    )
    with pytest.raises(DomainError, match="chair must be a Board member or staff"):
        services.assembly_convene(assembly=assembly, actor=make_staff())


def test_the_model_says_why_a_chair_is_refused():
    assembly = GeneralAssemblyFactory.build(chair=UserFactory(display_name="Ann Member"))
    with pytest.raises(ValidationError) as error:
        assembly.full_clean()
    assert error.value.message_dict["chair"] == [
        "The chair must be a Board member or staff: Ann Member is neither. "
        "Choose another person, or add them to the Board group first."
    ]
