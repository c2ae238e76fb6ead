"""Factories and helpers for the General Assembly tests (issue 6)."""

import datetime

import factory
from django.utils import timezone

from assemblies.models import AgendaItem, Attendance, GeneralAssembly
from ensie_portal.accounts.models import Roles
from networks.models import Application, MembershipFee, Representative
from tests.factories import UserFactory
from tests.networks.factories import (
    ApplicationFactory,
    GeneralAssemblyFactory,
    MemberNetworkFactory,
    fill_reasoned_request,
)


class AssemblyInSessionFactory(GeneralAssemblyFactory):
    date = factory.LazyFunction(timezone.localdate)
    status = GeneralAssembly.Status.IN_SESSION
    # The chair is a Board member (or staff), with an authenticator.
    chair = factory.SubFactory(UserFactory, groups=(Roles.BOARD,), totp=True)


class MotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    assembly = factory.SubFactory(AssemblyInSessionFactory)
    kind = AgendaItem.Kind.MOTION
    title = factory.Sequence(lambda n: f"Motion {n}")
    vote_state = AgendaItem.VoteState.OPEN


def member(
    assembly: GeneralAssembly,
    *,
    country: str = "BE",
    paid: bool = True,
    present: bool = True,
    representative=None,
):
    """A member network with one representative, its fee for the assembly's year paid or not,
    present or not at ``assembly``. Returns (network, representative user)."""
    network = MemberNetworkFactory(country=country)
    user = representative or UserFactory()
    Representative.objects.create(network=network, user=user, is_main_contact=True)
    MembershipFee.objects.create(
        network=network,
        year=assembly.date.year,
        paid_on=datetime.date(assembly.date.year, 1, 15) if paid else None,
    )
    if present:
        Attendance.objects.create(assembly=assembly, network=network)
    return network, user


def adhesion_item(assembly: GeneralAssembly, **kwargs) -> AgendaItem:
    """An application on ``assembly``'s agenda (complete request) and its agenda item."""
    application = ApplicationFactory(network__country="PL")
    fill_reasoned_request(application, assembly=assembly)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ON_AGENDA)
    application.refresh_from_db()
    kwargs.setdefault("vote_state", AgendaItem.VoteState.OPEN)
    return AgendaItem.objects.create(
        assembly=assembly,
        kind=AgendaItem.Kind.ADHESION,
        application=application,
        title=application.network.legal_name,
        **kwargs,
    )
