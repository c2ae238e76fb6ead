"""The General Assembly's tables move from ``networks`` to ``assemblies`` without losing a row
(``networks`` 0010 and 0011, ``assemblies`` 0001): an assembly with an application on its
agenda, a convocation, attendance and votes, written with the models of the old state, are all
there afterwards with their relations; the content types keep their ids (so permissions, audit
entries, admin log entries and outbox rows follow) under the ``assemblies`` label; and the
move goes back and forth again."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assemblies.models import AgendaItem, Attendance, Convocation, GeneralAssembly, Vote
from ensie_portal.core.workflow import audit_trail
from ensie_portal.outbox.models import OutgoingMail
from networks.models import Application, Network

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = ("networks", "0009_assembly_and_motion_language")
MOVED_MODELS = ["generalassembly", "agendaitem", "convocation", "attendance", "vote"]


def _targets_before_the_move(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    """networks at 0009, no assemblies migration, every other app at its leaf."""
    others = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in ("networks", "assemblies")
    ]
    return [BEFORE_THE_MOVE, ("assemblies", None), *others]


def _migrate_before_the_move():
    """Migrate back to before the move; the models of that state."""
    executor = MigrationExecutor(connection)
    targets = _targets_before_the_move(executor)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _migrate_to_the_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    ContentType.objects.clear_cache()


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _old_content_types(old_apps) -> dict[str, int]:
    """The content type ids of the moved models in the old state (``networks``)."""
    old_content_type = old_apps.get_model("contenttypes", "ContentType")
    return {
        model: old_content_type.objects.get_or_create(app_label="networks", model=model)[0].pk
        for model in MOVED_MODELS
    }


def _write_an_assembly_the_old_way(old_apps) -> dict:
    """An assembly in session, as the code before the move stored it."""
    user_model = old_apps.get_model("accounts", "User")
    network_model = old_apps.get_model("networks", "Network")
    application_model = old_apps.get_model("networks", "Application")
    assembly_model = old_apps.get_model("networks", "GeneralAssembly")
    item_model = old_apps.get_model("networks", "AgendaItem")
    convocation_model = old_apps.get_model("networks", "Convocation")
    attendance_model = old_apps.get_model("networks", "Attendance")
    vote_model = old_apps.get_model("networks", "Vote")
    content_types = _old_content_types(old_apps)

    chair = user_model.objects.create(email="chair@example.org", display_name="Chair")
    voter = user_model.objects.create(email="voter@example.org", display_name="Voter")
    member = network_model.objects.create(
        legal_name="Réseau Membre", slug="reseau-membre", country="FR", status="member"
    )
    applicant = network_model.objects.create(
        legal_name="Rete Candidata", slug="rete-candidata", country="IT", status="applicant"
    )
    assembly = assembly_model.objects.create(
        title="Assemblée générale 2027",
        language="fr",
        date=datetime.date(2027, 6, 10),
        chair=chair,
        status="in_session",
    )
    application = application_model.objects.create(
        network=applicant, status="on_agenda", assembly=assembly, legal_name="Rete Candidata"
    )
    adhesion = item_model.objects.create(
        assembly=assembly,
        position=0,
        kind="adhesion",
        application=application,
        title="Rete Candidata",
        vote_state="open",
        opened_at=timezone.now(),
    )
    motion = item_model.objects.create(
        assembly=assembly,
        position=1,
        kind="motion",
        title="Budget 2028",
        language="fr",
        majority="two_thirds",
        vote_state="closed",
        outcome="adopted",
        quorum_met=True,
        eligible_countries=1,
        present_countries=1,
        totals={"yes": 1},
        network_totals={"yes": 1},
        country_breakdown={"FR": "yes"},
    )
    convocation = convocation_model.objects.create(
        assembly=assembly,
        agenda=[{"key": f"application:{application.pk}", "kind": "adhesion"}],
        sent_by=chair,
        recipients=1,
    )
    attendance = attendance_model.objects.create(
        assembly=assembly, network=member, recorded_by=chair
    )
    votes = [
        vote_model.objects.create(
            item=item, network=member, choice=choice, cast_by=voter, cast_at=timezone.now()
        )
        for item, choice in ((adhesion, "yes"), (motion, "abstain"))
    ]

    # What names the models by content type: a group's permission, the audit, the admin's
    # log, an outbox row.
    permission_model = old_apps.get_model("auth", "Permission")
    permission, _ = permission_model.objects.get_or_create(
        content_type_id=content_types["generalassembly"],
        codename="change_generalassembly",
        defaults={"name": "Can change General Assembly"},
    )
    group = old_apps.get_model("auth", "Group").objects.create(name="Assembly clerks")
    group.permissions.add(permission)
    voter.groups.add(group)
    old_apps.get_model("core", "AuditEntry").objects.create(
        content_type_id=content_types["generalassembly"],
        object_id=str(assembly.pk),
        actor=chair,
        action="session_open",
        from_state="convened",
        to_state="in_session",
    )
    old_apps.get_model("admin", "LogEntry").objects.create(
        user=chair,
        content_type_id=content_types["generalassembly"],
        object_id=str(assembly.pk),
        object_repr="Assemblée générale 2027",
        action_flag=2,
        change_message="[]",
        action_time=timezone.now(),
    )
    old_apps.get_model("outbox", "OutgoingMail").objects.create(
        key="test:convocation",
        to_email="voter@example.org",
        from_email="noreply@example.org",
        subject="Convocation",
        body_text="Convocation",
        related_type_id=content_types["convocation"],
        related_id=str(convocation.pk),
    )
    return {
        "content_types": content_types,
        "chair": chair.pk,
        "voter": voter.pk,
        "member": member.pk,
        "application": application.pk,
        "assembly": assembly.pk,
        "adhesion": adhesion.pk,
        "motion": motion.pk,
        "convocation": convocation.pk,
        "attendance": attendance.pk,
        "votes": {vote.pk for vote in votes},
        "permission": permission.pk,
    }


def _assert_all_there_after_the_move(old: dict) -> None:
    assembly = GeneralAssembly.objects.select_related("chair").get(pk=old["assembly"])
    assert (assembly.title, assembly.language, assembly.status) == (
        "Assemblée générale 2027",
        "fr",
        GeneralAssembly.Status.IN_SESSION,
    )
    assert assembly.chair.pk == old["chair"]

    application = Application.objects.get(pk=old["application"])
    assert application.assembly == assembly
    assert list(assembly.applications.all()) == [application]

    adhesion, motion = assembly.agenda_items.order_by("position")
    assert (adhesion.pk, adhesion.application, adhesion.vote_state) == (
        old["adhesion"],
        application,
        AgendaItem.VoteState.OPEN,
    )
    assert list(application.agenda_items.all()) == [adhesion]
    assert (motion.pk, motion.outcome, motion.country_breakdown, motion.text_language) == (
        old["motion"],
        "adopted",
        {"FR": "yes"},
        "fr",
    )

    convocation = Convocation.objects.get(assembly=assembly)
    assert (convocation.pk, convocation.sent_by_id, convocation.recipients) == (
        old["convocation"],
        old["chair"],
        1,
    )
    attendance = Attendance.objects.get(assembly=assembly)
    assert (attendance.pk, attendance.network_id, attendance.recorded_by_id) == (
        old["attendance"],
        old["member"],
        old["chair"],
    )
    member = Network.objects.get(pk=old["member"])
    assert set(member.votes.values_list("pk", flat=True)) == old["votes"]
    assert {
        (vote.item.title, vote.choice, vote.cast_by_id)
        for vote in Vote.objects.filter(item__assembly=assembly).select_related("item")
    } == {("Rete Candidata", "yes", old["voter"]), ("Budget 2028", "abstain", old["voter"])}

    # The content types kept their ids under the new label; nothing is left under the old one.
    for model_class in (GeneralAssembly, AgendaItem, Convocation, Attendance, Vote):
        content_type = ContentType.objects.get_for_model(model_class)
        assert content_type.app_label == "assemblies"
        assert content_type.pk == old["content_types"][content_type.model]
    assert not ContentType.objects.filter(app_label="networks", model__in=MOVED_MODELS).exists()
    # ... and what named them follows.
    permission = Permission.objects.get(pk=old["permission"])
    assert permission.content_type.app_label == "assemblies"
    assert permission in Group.objects.get(name="Assembly clerks").permissions.all()
    voter = get_user_model().objects.get(pk=old["voter"])
    assert voter.has_perm("assemblies.change_generalassembly")
    assert [entry.action for entry in audit_trail(assembly)] == ["session_open"]
    assert LogEntry.objects.get(object_id=str(assembly.pk)).get_edited_object() == assembly
    assert OutgoingMail.objects.get(key="test:convocation").related == convocation

    # The tables carry the new app's name, and their ids go on from the old rows.
    tables = _tables()
    assert {f"assemblies_{model}" for model in MOVED_MODELS} <= tables
    assert not {f"networks_{model}" for model in MOVED_MODELS} & tables
    later = GeneralAssembly.objects.create(title="Later", date=datetime.date(2028, 6, 1))
    assert later.pk > assembly.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the move is tested on PostgreSQL")
def test_the_assembly_tables_move_to_their_app_with_every_row_and_content_type():
    try:
        old_apps = _migrate_before_the_move()
        assert {f"networks_{model}" for model in MOVED_MODELS} <= _tables()
        old = _write_an_assembly_the_old_way(old_apps)

        _migrate_to_the_latest()
        _assert_all_there_after_the_move(old)
        GeneralAssembly.objects.filter(title="Later").delete()

        # Back again: the rows and content types return to networks, with the same ids.
        old_apps = _migrate_before_the_move()
        assert not {f"assemblies_{model}" for model in MOVED_MODELS} & _tables()
        assert _old_content_types(old_apps) == old["content_types"]
        old_assembly = old_apps.get_model("networks", "GeneralAssembly")
        assert old_assembly.objects.get(pk=old["assembly"]).title == "Assemblée générale 2027"
        assert old_apps.get_model("networks", "Vote").objects.count() == 2

        # And forth once more.
        _migrate_to_the_latest()
        _assert_all_there_after_the_move(old)
    finally:
        # Other tests share this database: leave it migrated to the latest state.
        _migrate_to_the_latest()
