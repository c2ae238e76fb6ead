import csv
import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ensie_portal.accounts import roles
from ensie_portal.accounts.permissions import second_factor_required
from ensie_portal.core.errors import DomainError
from ensie_portal.core.ratelimit import ratelimit_hit
from ensie_portal.core.spreadsheet import csv_cell
from ensie_portal.core.storage import stream_file

from . import selectors, services
from .forms import PracticeForm, ReturnForm
from .models import Practice


def _requires(test, *, second_factor: bool = False):
    """Login required, then ``test(user)`` or 403: declared on the view; with
    ``second_factor``, the view also requires a session that passed the second factor."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped = login_required(wrapped)
        return second_factor_required(wrapped) if second_factor else wrapped

    return decorator


contributor_required = _requires(roles.may_contribute_practices)
# Moderation: publishing practices and returning them (the editors' pages) needs the second
# factor.
editor_required = _requires(roles.is_editor_or_staff, second_factor=True)


@require_GET
def practice_list(request):
    catalogue = selectors.practice_catalogue(params=request.GET)
    back = request.GET.copy()
    return render(
        request,
        "practices/practice_list.html",
        {
            "catalogue": catalogue,
            "page_obj": catalogue.page,
            "form": catalogue.filterset.form,
            "back": back.urlencode(),
            "export_query": _without(request.GET, "page"),
        },
    )


def _without(params: QueryDict, *names: str) -> str:
    data = params.copy()
    for name in names:
        data.pop(name, None)
    return data.urlencode()


@require_GET
def practice_detail(request, slug):
    practice = selectors.practice_visible_to(user=request.user, slug=slug)
    back = QueryDict(request.GET.get("back", "")).urlencode()
    back_url = reverse("practices:list") + (f"?{back}" if back else "")
    return render(
        request,
        "practices/practice_detail.html",
        {
            "practice": practice,
            "related": selectors.practice_related(practice=practice),
            "back_url": back_url,
            "is_owner": practice.submitted_by_id == request.user.pk,
            "can_review": roles.is_editor_or_staff(request.user)
            and practice.status == Practice.Status.SUBMITTED,
        },
    )


@require_GET
def attachment_download(request, slug, pk):
    """A practice's PDF, to whoever may see the practice (anyone once it is published)."""
    practice = selectors.practice_visible_to(user=request.user, slug=slug)
    attachment = next((a for a in practice.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404
    return stream_file(
        attachment.file,
        filename=attachment.title if attachment.title.lower().endswith(".pdf") else f"{slug}.pdf",
        private=practice.status != Practice.Status.PUBLISHED,
    )


class PracticeAtomFeed(Atom1Feed):
    """Atom with the language of each practice on its entry (``xml:lang``; WCAG 3.1.2)."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("content_language") is not None:
            attributes["xml:lang"] = item["content_language"]
        return attributes


class PracticeFeed(Feed):
    feed_type = PracticeAtomFeed
    title = gettext_lazy("ENSIE best practices")
    subtitle = gettext_lazy("Newly published best practices of social integration enterprises.")

    def get_object(self, request, *args, **kwargs):
        self.params = request.GET
        return None

    def link(self):
        query = _without(self.params, "page", "sort")
        return reverse("practices:list") + (f"?{query}" if query else "")

    def items(self):
        return selectors.practice_feed_items(params=self.params)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.organisation

    def item_extra_kwargs(self, item):
        return {"content_language": item.content_language}


# Rows per page of the contributor's and the editors' lists.
MY_PAGE_SIZE = 25

EXPORT_COLUMNS = [
    "title",
    "url",
    "summary",
    "organisation",
    "country",
    "region",
    "sectors",
    "themes",
    "type",
    "language",
    "year",
    "website",
    "source",
    "published_at",
]
# Free text, and term slugs (which may start with "-"): what a spreadsheet could run as a formula.
CSV_TEXT_COLUMNS = [
    EXPORT_COLUMNS.index(name)
    for name in (
        "title",
        "summary",
        "organisation",
        "region",
        "sectors",
        "themes",
        "website",
        "source",
    )
]
CSV_LIST_COLUMNS = [EXPORT_COLUMNS.index("sectors"), EXPORT_COLUMNS.index("themes")]


def _export_values(request):
    """A function turning one row of ``selectors.practice_export`` into the values of
    EXPORT_COLUMNS, the link absolute. Built once per export: the link is the same but for
    the slug, so it is reversed once, not once a row."""
    marker = "practice-slug"
    link = request.build_absolute_uri(reverse("practices:detail", kwargs={"slug": marker}))
    before, after = link.split(marker)

    def values(row: tuple) -> tuple:
        title, slug, summary, organisation, country, region, *kind_to_source = row[:-3]
        published, sectors, themes = row[-3:]
        return (
            title,
            before + slug + after,
            summary,
            organisation,
            country,
            region,
            sectors,
            themes,
            *kind_to_source,
            published,
        )

    return values


def _export_response(request, stream, *, export, content_type: str, filename: str):
    """The streamed export, its row count announced up front in ``X-Total-Count``.

    No Content-Length: HTTP/1.1 sends it chunked, and should the stream break (an error, a
    worker killed or timed out) the body stays unterminated, which clients report as an
    incomplete transfer. A complete CSV export has exactly ``X-Total-Count`` rows after its
    header; a complete JSON export is one array of that many records.
    """
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Total-Count"] = str(export.total)
    return response


class _Lines(list):
    """What csv.writer writes, kept until ``flush``: twice as fast as a reused StringIO, which
    stores 4 bytes a character once emptied."""

    write = list.append

    def flush(self) -> str:
        text = "".join(self)
        self.clear()
        return text


@require_GET
def export_csv(request):
    export = selectors.practice_export(params=request.GET)
    values = _export_values(request)

    def cells(row: tuple) -> list:
        cells = list(values(row))
        for n in CSV_LIST_COLUMNS:
            cells[n] = ";".join(cells[n])
        for n in CSV_TEXT_COLUMNS:
            cells[n] = csv_cell(cells[n])
        return cells

    def stream():
        buffer = _Lines()  # one buffer, filled and emptied once a chunk
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        yield ("\ufeff" + buffer.flush()).encode()
        for chunk in export.chunks:
            writer.writerows(map(cells, chunk))
            yield buffer.flush().encode()

    return _export_response(
        request,
        stream(),
        export=export,
        content_type="text/csv; charset=utf-8",
        filename="ensie-practices.csv",
    )


@require_GET
def export_json(request):
    export = selectors.practice_export(params=request.GET)
    values = _export_values(request)
    encode = json.JSONEncoder(ensure_ascii=False).encode

    def stream():
        # The array opens at once (the download starts, as the CSV's header row does) and
        # closes after the last record only: a cut export never parses.
        yield b"["
        separator = "\n"
        for chunk in export.chunks:
            records = (encode(dict(zip(EXPORT_COLUMNS, values(row), strict=True))) for row in chunk)
            yield (separator + ",\n".join(records)).encode()
            separator = ",\n"
        yield b"\n]\n"

    return _export_response(
        request,
        stream(),
        export=export,
        content_type="application/json; charset=utf-8",
        filename="ensie-practices.json",
    )


def _save_practice(request, form, practice=None):
    submit = "submit" in request.POST
    data = form.practice_data()
    attachment = form.cleaned_data.get("attachment")
    if practice is None:
        practice = services.practice_create(
            submitted_by=request.user, data=data, attachment=attachment, submit=submit
        )
    else:
        services.practice_update(
            practice=practice,
            actor=request.user,
            data=data,
            attachment=attachment,
            submit=submit,
        )
    if submit:
        messages.success(request, _("Thank you: the practice was sent to the editors."))
    else:
        messages.success(request, _("The draft was saved."))
    return redirect("practices:mine")


@contributor_required
@require_http_methods(["GET", "POST"])
def practice_contribute(request):
    form = PracticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        limit = settings.PRACTICES_CONTRIBUTE_RATE_LIMIT
        if not ratelimit_hit(f"practice-contribute:{request.user.pk}", limit=limit, period=3600):
            form.add_error(None, _("Too many attempts. Please try again later."))
        if form.is_valid():
            return _save_practice(request, form)
    return render(request, "practices/practice_form.html", {"form": form, "practice": None})


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request, slug):
    practice = selectors.practice_owned(user=request.user, slug=slug)
    if practice.status not in services.EDITABLE:
        messages.error(request, _("Only a draft or a returned practice can be edited."))
        return redirect("practices:mine")
    form = PracticeForm(request.POST or None, request.FILES or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        try:
            return _save_practice(request, form, practice)
        except DomainError as error:
            messages.error(request, error.message)
    return render(request, "practices/practice_form.html", {"form": form, "practice": practice})


@login_required
@require_POST
def practice_submit(request, slug):
    practice = selectors.practice_owned(user=request.user, slug=slug)
    try:
        services.practice_submit(practice=practice, actor=request.user)
        messages.success(request, _("Thank you: the practice was sent to the editors."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("practices:mine")


@login_required
@require_GET
def practice_mine(request):
    page = _page(request, selectors.practice_submissions(user=request.user))
    return render(
        request,
        "practices/practice_mine.html",
        {
            "practices": page.object_list,
            "page_obj": page,
            "can_contribute": roles.may_contribute_practices(request.user),
        },
    )


@editor_required
@require_GET
def moderation_queue(request):
    page = _page(request, selectors.practice_moderation_queue())
    return render(
        request,
        "practices/moderation_queue.html",
        {"practices": page.object_list, "page_obj": page},
    )


def _page(request, queryset):
    return Paginator(queryset, MY_PAGE_SIZE).get_page(request.GET.get("page"))


@editor_required
@require_http_methods(["GET", "POST"])
def practice_review(request, slug):
    practice = selectors.practice_visible_to(user=request.user, slug=slug)
    form = ReturnForm(request.POST if request.POST.get("action") == "return" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                services.practice_publish(practice=practice, actor=request.user)
                messages.success(request, _("The practice is published."))
                return redirect("practices:moderation")
            if form.is_valid():
                services.practice_return(
                    practice=practice, actor=request.user, comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("The practice was returned to its submitter."))
                return redirect("practices:moderation")
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("practices:moderation")
    return render(request, "practices/practice_review.html", {"practice": practice, "form": form})
