import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group

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
