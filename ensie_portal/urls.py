from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ensie_portal.core import views as core_views

admin.site.site_header = _("ENSIE portal administration")
admin.site.site_title = _("ENSIE portal")
# Staff sign in to the admin through allauth, like everyone else: its rate limits and the
# two-factor step apply (the admin's own password form is never shown).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("healthz/", core_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", include("ensie_portal.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("staff/personal-data/", include("ensie_portal.privacy.urls")),
    path("practices/", include("practices.urls")),
    path("sessions/", include("sessions_app.urls")),
    path("", include("networks.urls")),
    path("", include("assemblies.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
