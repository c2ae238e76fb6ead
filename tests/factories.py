import io

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from pypdf import PdfWriter

from ensie_portal.accounts.models import Roles, User

TEST_PASSWORD = "a-Strong-passw0rd-for-tests"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    organisation = factory.Faker("company")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """An authenticator (the TOTP_SECRET); by default for members of a group whose role
        opens privileged pages (Board, Organisers, Editors), who cannot work without one."""
        if not create:
            return
        if extracted is None:
            extracted = self.groups.filter(name__in=settings.TWO_FACTOR_REQUIRED_GROUPS).exists()
        if extracted:
            TOTP.activate(self, TOTP_SECRET)


def make_staff(**kwargs) -> User:
    kwargs.setdefault("totp", True)
    return UserFactory(is_staff=True, **kwargs)


def make_board_member(**kwargs) -> User:
    return UserFactory(groups=(Roles.BOARD,), **kwargs)


def make_organiser(**kwargs) -> User:
    """Organisers open privileged pages: they have an authenticator, like staff and the Board."""
    return UserFactory(groups=(Roles.ORGANISERS,), **kwargs)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def pdf_bytes(*, pages: int = 1) -> bytes:
    """A real PDF of ``pages`` blank A4 pages, written by pypdf (what the upload forms accept)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Files that are not PDFs, although they begin like one or hold one: every PDF field refuses them.
NOT_PDFS = {
    "a PDF header glued onto a binary": b"%PDF-1.7\n" + bytes(range(256)) * 64,
    "an HTML page behind a PDF header": (
        b"%PDF-1.4\n<!doctype html><script>alert(document.cookie)</script>\n%%EOF\n"
    ),
    "an HTML page before a real PDF": (
        b"<!doctype html><script>alert(document.cookie)</script>\n" + pdf_bytes()
    ),
    "a PDF without a page": pdf_bytes(pages=0),
    "a PDF header alone": b"%PDF-1.4 tiny",
    "an executable": b"MZ\x90\x00 this is an executable",
}
