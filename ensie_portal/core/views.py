from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.i18n import LANGUAGE_QUERY_PARAMETER
from django.views.i18n import set_language as django_set_language

from ensie_portal.accounts.forms import ProfileForm
from ensie_portal.accounts.services import user_profile_update

from .i18n import translate_url
from .selectors import site_page_get


@require_GET
def home(request):
    return render(request, "core/home.html", {"page": site_page_get(slug="home")})


@require_GET
def privacy(request):
    return render(request, "core/privacy.html", {"page": site_page_get(slug="privacy")})


def set_language(request):
    """Django's ``set_language`` (the language cookie, the checks on ``next``), landing on the
    page the switcher was on in the chosen language: ``translate_url`` reads the language of
    ``next`` from its prefix, so French to English works too."""
    response = django_set_language(request)
    language = request.POST.get(LANGUAGE_QUERY_PARAMETER)
    if (
        request.method == "POST"
        and response.status_code == 302
        and language
        and check_for_language(language)
    ):
        response["Location"] = translate_url(response["Location"], language)
    return response


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html")


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_profile_update(user=user, **form.cleaned_data)
            messages.success(request, _("Your profile has been saved."))
            return redirect("core:profile")
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "organisation": user.organisation,
                "preferred_language": user.preferred_language,
            }
        )
    return render(request, "core/profile.html", {"form": form})
