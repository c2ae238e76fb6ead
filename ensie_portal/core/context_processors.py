from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ensie_portal.accounts import roles

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
        "user_is_staff": roles.is_staff(user),
        "user_is_board_or_staff": roles.is_board_or_staff(user),
        "user_is_organiser": roles.is_organiser_or_staff(user),
    }
