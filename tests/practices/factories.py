from datetime import UTC, datetime

import factory

from ensie_portal.accounts.models import Roles
from networks.models import Network, Representative
from practices.models import Practice, PracticeType, Sector, Theme
from tests.factories import UserFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"sector-{n}")
    label_en = factory.LazyAttribute(lambda o: f"Sector {o.slug}")
    label_fr = factory.LazyAttribute(lambda o: f"Secteur {o.slug}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    label_en = factory.LazyAttribute(lambda o: f"Theme {o.slug}")
    label_fr = factory.LazyAttribute(lambda o: f"Thème {o.slug}")


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published practice unless told otherwise."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Practice number {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    summary = "A work integration social enterprise shares what it learnt."
    organisation = "A social enterprise"
    country = "BE"
    type = PracticeType.INITIATIVE
    language = "en"
    year = 2020
    status = Practice.Status.PUBLISHED
    published_at = factory.Sequence(
        lambda n: datetime(2024, 1, 1, tzinfo=UTC).replace(minute=n % 60)
    )

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    legal_name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    country = "FR"
    status = Network.Status.MEMBER


def make_representative(*, network_status=Network.Status.MEMBER, **kwargs):
    """A user who represents a network (a member network by default)."""
    user = UserFactory(**kwargs)
    Representative.objects.create(network=NetworkFactory(status=network_status), user=user)
    return user


def make_editor(**kwargs):
    """Editors open privileged pages (moderation): they have an authenticator."""
    return UserFactory(groups=(Roles.EDITORS,), **kwargs)
