"""Every write to the catalogue: create and edit a practice, submit, publish, return."""

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ensie_portal.accounts import roles
from ensie_portal.core.errors import DomainError
from ensie_portal.core.queue import task_enqueue_on_commit
from ensie_portal.core.workflow import Rule, audit_trail, transition
from ensie_portal.outbox.services import mail_queue

from .models import Attachment, CatalogueVersion, Practice

Status = Practice.Status
# Slugs that are pages of the catalogue, never a practice.
RESERVED_SLUGS = {"feed", "mine", "contribute", "moderation", "export"}


def is_submitter(actor, practice) -> bool:
    return actor is not None and practice.submitted_by_id == actor.pk


def editor(actor, practice) -> bool:
    return roles.is_editor_or_staff(actor)


TRANSITIONS = {
    (Status.DRAFT, Status.SUBMITTED): Rule(who=is_submitter, action="submit"),
    (Status.RETURNED, Status.SUBMITTED): Rule(who=is_submitter, action="resubmit"),
    (Status.SUBMITTED, Status.PUBLISHED): Rule(who=editor, action="publish"),
    (Status.SUBMITTED, Status.RETURNED): Rule(who=editor, action="return"),
}
EDITABLE = {Status.DRAFT, Status.RETURNED}
# The task (``tasks.py``) building the facet index, enqueued by name: tasks import services,
# never the reverse.
FACET_INDEX_TASK = "practices.build_facet_index"


def practice_catalogue_changed() -> None:
    """Start a new catalogue version, in the current transaction; build its index on commit.

    The version is a row of the database (``CatalogueVersion``), so it commits with the change
    itself. A new version makes every process drop its facet index (``facet_index``); the task
    builds the next one so that no visitor waits for it. Should the task not run (no broker),
    the first visitor builds it.
    """
    CatalogueVersion.objects.update_or_create(
        pk=CatalogueVersion.ROW, defaults={"token": uuid.uuid4().hex}
    )
    task_enqueue_on_commit(FACET_INDEX_TASK)


def practice_unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "practice"
    slug, n = base, 1
    taken = Practice.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _save(practice: Practice, *, data: dict, attachment: UploadedFile | None) -> Practice:
    sectors, themes = data.pop("sectors", []), data.pop("themes", [])
    for name, value in data.items():
        setattr(practice, name, value)
    practice.save()
    practice.sectors.set(sectors)
    practice.themes.set(themes)
    if attachment is not None:
        Attachment.objects.create(
            practice=practice,
            title=attachment.name,
            file=attachment,
            size=attachment.size,
        )
    return practice


@transaction.atomic
def practice_create(
    *, submitted_by, data: dict, attachment: UploadedFile | None = None, submit: bool = False
) -> Practice:
    """A new draft by ``submitted_by``; submitted for review at once when ``submit``."""
    practice = Practice(
        submitted_by=submitted_by,
        status=Status.DRAFT,
        slug=practice_unique_slug(data["title"]),
    )
    _save(practice, data=dict(data), attachment=attachment)
    if submit:
        practice_submit(practice=practice, actor=submitted_by)
    return practice


@transaction.atomic
def practice_update(
    *,
    practice: Practice,
    actor,
    data: dict,
    attachment: UploadedFile | None = None,
    submit: bool = False,
) -> Practice:
    """Edit a draft or a returned practice (its submitter only)."""
    if not is_submitter(actor, practice):
        raise DomainError(_("You are not allowed to do this."))
    if practice.status not in EDITABLE:
        raise DomainError(_("Only a draft or a returned practice can be edited."))
    _save(practice, data=dict(data), attachment=attachment)
    if submit:
        practice_submit(practice=practice, actor=actor)
    return practice


def practice_submit(*, practice: Practice, actor) -> Practice:
    return transition(obj=practice, to=Status.SUBMITTED, actor=actor, transitions=TRANSITIONS)


def practice_publish(*, practice: Practice, actor) -> Practice:
    return transition(
        obj=practice,
        to=Status.PUBLISHED,
        actor=actor,
        transitions=TRANSITIONS,
        updates={"published_at": timezone.now(), "return_comment": ""},
        on_done=[_notify("practices_published"), lambda _practice: practice_catalogue_changed()],
    )


def practice_return(*, practice: Practice, actor, comment: str) -> Practice:
    return transition(
        obj=practice,
        to=Status.RETURNED,
        actor=actor,
        transitions=TRANSITIONS,
        comment=comment,
        updates={"return_comment": comment},
        on_done=[_notify("practices_returned")],
    )


def _notify(template: str):
    """Email the submitter about the outcome, in their language, once per status change."""

    def send(practice: Practice) -> None:
        submitter = practice.submitted_by
        if submitter is None or not submitter.email:
            return
        entry = audit_trail(practice).last()
        mail_queue(
            key=f"practice:{practice.pk}:{template}:{entry.pk}",
            to=submitter.email,
            template=template,
            context={"practice": practice, "comment": practice.return_comment, "user": submitter},
            language=submitter.preferred_language,
            related=practice,
        )

    return send
