from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ensie_portal.accounts.permissions import is_board, is_organiser

NAVIGATION = [
    ("core:home", _("Home")),
    ("practices:list", _("Best practices")),
    ("sessions_app:list", _("Sessions")),
    ("networks:directory", _("Members")),
    ("networks:join", _("Join ENSIE")),
]


def portal(request):
    user = getattr(request, "user", None)
    return {
        "navigation": NAVIGATION,
        "site_url": settings.SITE_URL,
        "user_is_board": bool(user and is_board(user)),
        "user_is_organiser": bool(user and is_organiser(user)),
    }
