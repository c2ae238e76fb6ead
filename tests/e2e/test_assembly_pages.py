"""The General Assembly pages in a real browser without JavaScript, on the demo data: one <h1>,
no axe-core violation, nothing from another host; and a demo vote end to end."""

import pytest

from assemblies.demo import TITLE
from assemblies.models import AgendaItem, Convocation, GeneralAssembly
from networks.models import Application
from tests.e2e.test_membership_pages import check, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def demo_assembly():
    return GeneralAssembly.objects.get(title=TITLE)


@pytest.mark.parametrize("language", ["", "/fr"])
def test_member_chair_and_staff_pages_are_accessible(open_page, live_server, demo_data, language):
    assembly = demo_assembly()
    pk = assembly.pk
    item = assembly.agenda_items.get(vote_state=AgendaItem.VoteState.OPEN)
    motion = assembly.agenda_items.filter(kind=AgendaItem.Kind.MOTION).first()
    # A convocation sent before the agenda filled up: the updated agenda is offered.
    Convocation.objects.create(assembly=assembly, agenda=[])
    member = signed_in(open_page, live_server, "member@demo.ensie.eu")
    check(member, f"{language}/assemblies/")
    check(member, f"{language}/assemblies/{pk}/")
    unpaid = signed_in(open_page, live_server, "rep-hu@demo.ensie.eu")
    check(unpaid, f"{language}/assemblies/{pk}/")
    chair = signed_in(open_page, live_server, "board@demo.ensie.eu")
    # While a vote is open the screen reloads itself (WCAG 2.2.1: the chair can turn it off);
    # axe-core flags any timed refresh, so the page is checked with reloading turned off.
    response = chair.goto(f"{language}/assemblies/{pk}/chair/")
    assert 'http-equiv="refresh"' in response.text()
    check(chair, f"{language}/assemblies/{pk}/chair/?auto=off")
    check(chair, f"{language}/assemblies/{pk}/chair/items/{item.pk}/close/")
    check(chair, f"{language}/assemblies/{pk}/chair/attendance/")
    check(chair, f"{language}/assemblies/{pk}/chair/session/close/")
    check(chair, f"{language}/assemblies/{pk}/chair/agenda-update/")
    assert chair.page.locator("main form button[type=submit]").count() == 1
    staff = signed_in(open_page, live_server, "staff@demo.ensie.eu")
    check(staff, f"{language}/board/assemblies/")
    check(staff, f"{language}/board/assemblies/{pk}/")
    check(staff, f"{language}/board/assemblies/{pk}/items/{motion.pk}/delete/")
    check(staff, f"{language}/board/assemblies/{pk}/agenda/update/")
    planned = GeneralAssembly.objects.filter(status=GeneralAssembly.Status.PLANNED).first()
    check(staff, f"{language}/board/assemblies/{planned.pk}/")
    check(staff, f"{language}/board/assemblies/{planned.pk}/convene/")


def test_a_demo_vote_end_to_end(open_page, live_server, demo_data):
    assembly = demo_assembly()
    item = assembly.agenda_items.get(vote_state=AgendaItem.VoteState.OPEN)
    for email in ("member@demo.ensie.eu", "rep-es@demo.ensie.eu"):
        voter = signed_in(open_page, live_server, email)
        voter.goto(f"/assemblies/{assembly.pk}/")
        voter.page.locator(f"#item-{item.pk} ~ form label", has_text="Yes").first.click()
        voter.click_through(voter.page.locator(f"#item-{item.pk} ~ form button[type=submit]").first)
        assert "is recorded" in voter.page.locator(".messages").inner_text()
    chair = signed_in(open_page, live_server, "board@demo.ensie.eu")
    chair.goto(f"/assemblies/{assembly.pk}/chair/?auto=off")
    assert (
        "2 of 3 networks have voted."
        in chair.page.locator(
            f"section[aria-labelledby=item-{item.pk}] .running-count"
        ).inner_text()
    )
    chair.goto(f"/assemblies/{assembly.pk}/chair/items/{item.pk}/close/")
    chair.click_through("main button[type=submit]")
    assert "Adopted" in chair.page.locator(f"#result-{item.pk}").inner_text()
    assert Application.objects.get(pk=item.application_id).status == Application.Status.ADMITTED
    check(chair, f"/assemblies/{assembly.pk}/")
