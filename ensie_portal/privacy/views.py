"""Staff's personal-data page: find one person's records by their address, download them as
JSON, erase them after a confirmation page.

Every step is a POST, so the address never appears in a URL (nor in the server's logs or the
browser's history); GET only shows the empty form. Staff only, with two-factor authentication.
"""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from ensie_portal.accounts.permissions import StaffRequiredMixin
from ensie_portal.core.errors import DomainError

from . import selectors, services
from .forms import PersonForm

SEARCH_TEMPLATE = "privacy/person_search.html"


class PersonAction(StaffRequiredMixin, View):
    """A POST naming a person; bad input shows the search form again with what was typed."""

    def post(self, request):
        form = PersonForm(request.POST)
        if not form.is_valid():
            return render(request, SEARCH_TEMPLATE, {"form": form}, status=400)
        return self.act(request, form)

    def act(self, request, form):
        raise NotImplementedError


class PersonSearch(PersonAction):
    def get(self, request):
        return render(request, SEARCH_TEMPLATE, {"form": PersonForm()})

    def act(self, request, form):
        person = form.person()
        return render(
            request,
            "privacy/person_records.html",
            {
                "form": form,
                "person": person,
                "records": selectors.person_records(person=person),
                "earlier": selectors.personal_data_requests_for(person=person),
            },
        )


class PersonExport(PersonAction):
    def act(self, request, form):
        person = form.person()
        records = selectors.person_records(person=person)
        data = selectors.person_export(records)
        services.person_export_record(person=person, actor=request.user, records=records)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = f"{timezone.localtime():%Y%m%d-%H%M%S}"  # a file name, not a date to read
        response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
        response["Cache-Control"] = "private, no-store"
        return response


class PersonErase(PersonAction):
    """Without ``confirm`` the page lists what will be erased and what stays; with it, erase."""

    def act(self, request, form):
        person = form.person()
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "privacy/person_erase.html",
                {
                    "form": form,
                    "person": person,
                    "records": selectors.person_records(person=person),
                },
            )
        try:
            log = services.person_erase(person=person, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("privacy:search")
        messages.success(request, _erased_message(log))
        return redirect("privacy:search")


def _erased_message(log) -> str:
    total = sum(count for name, count in log.counts.items() if name in selectors.ERASED_NAMES)
    if not total:
        return _("Nothing was found to erase (reference %(reference)s).") % {"reference": log.pk}
    return ngettext(
        "Erased: %(count)d record (reference %(reference)s).",
        "Erased: %(count)d records (reference %(reference)s).",
        total,
    ) % {"count": total, "reference": log.pk}
