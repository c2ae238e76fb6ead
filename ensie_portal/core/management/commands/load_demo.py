from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

# Each app owns its demo data in ``<app>/demo.py``; order matters (networks before the rest).
DEMO_MODULES = [
    "ensie_portal.core.demo",
    "networks.demo",
    "assemblies.demo",
    "sessions_app.demo",
    "practices.demo",
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again updates, never duplicates)."

    def handle(self, *args, **options):
        logins = []
        for name in DEMO_MODULES:
            with transaction.atomic():
                logins += import_module(name).load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write(f"The portal: {settings.SITE_URL}/  (French: {settings.SITE_URL}/fr/)")
        self.stdout.write("Demo logins (one per role):")
        role_width = max((len(role) for role, _email, _password in logins), default=0)
        for role, email, password in logins:
            self.stdout.write(f"  {role:<{role_width}}  {email:<34} {password}")
        if settings.MFA_TOTP_INSECURE_BYPASS_CODE:
            self.stdout.write(
                f"  Two-factor code for the demo staff, Board, organiser and editor accounts: "
                f"{settings.MFA_TOTP_INSECURE_BYPASS_CODE} (demo only)"
            )
