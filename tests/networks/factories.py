import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from assemblies.models import GeneralAssembly
from networks.models import (
    Application,
    CountryGroup,
    Criterion,
    CriterionAssessment,
    FeeAmount,
    FeeBand,
    FeeSchedule,
    MembershipFee,
    Network,
    Representative,
)
from tests.factories import UserFactory, pdf_bytes

PDF_BYTES = pdf_bytes()


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    legal_name = factory.Sequence(lambda n: f"Network of WISEs {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    country = "BE"
    wise_count = 25
    status = Network.Status.APPLICANT


class MemberNetworkFactory(NetworkFactory):
    status = Network.Status.MEMBER
    member_since = datetime.date(2020, 5, 1)


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)
    is_main_contact = True


class MembershipFeeFactory(factory.django.DjangoModelFactory):
    """A member network's fee for ``year``, unpaid unless ``paid_on`` is given."""

    class Meta:
        model = MembershipFee

    network = factory.SubFactory(MemberNetworkFactory)
    year = 2030
    amount_due = Decimal("500")
    paid_on = None


class GeneralAssemblyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneralAssembly

    title = factory.Sequence(lambda n: f"General Assembly {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    place = "Brussels"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application in ``status``; its network has one representative (``representative``)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    contact_name = "Ana Contact"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    status = Application.Status.INTEREST

    @factory.post_generation
    def representative(self, create, extracted, **kwargs):
        if create:
            user = extracted or UserFactory()
            Representative.objects.create(network=self.network, user=user, is_main_contact=True)


def fill_reasoned_request(
    application: Application, *, assembly: GeneralAssembly | None = None
) -> None:
    """Give ``application`` a complete reasoned request (identity sheet, PDFs, declarations)."""
    application.legal_name = "Réseau des entreprises d'insertion"
    application.legal_form = "ASBL"
    application.registration_number = "0123.456.789"
    application.head_office_address = "Rue de l'Exemple 1, 1000 Bruxelles"
    application.head_office_country = "BE"
    application.date_founded = datetime.date(2001, 5, 11)
    application.wise_count = 42
    application.sectors = "Recycling, catering"
    application.regions_covered = "Wallonia, Brussels"
    application.representatives_info = "Ana Contact, director"
    application.adheres_to_statutes = True
    application.adheres_to_declaration = True
    application.adheres_to_internal_rules = True
    application.assembly = assembly or GeneralAssemblyFactory()
    application.motivation_letter.save("letter.pdf", ContentFile(PDF_BYTES), save=False)
    application.statutes.save("statutes.pdf", ContentFile(PDF_BYTES), save=False)
    application.save()


def assess_all(application: Application, *, result=CriterionAssessment.Result.MET, user=None):
    for code in Criterion.values:
        CriterionAssessment.objects.update_or_create(
            application=application,
            criterion=code,
            defaults={"result": result, "note": "", "assessed_by": user},
        )


def fee_schedule(year: int, *, is_example: bool = False) -> FeeSchedule:
    """A schedule: group A (BE, FR), every other country; bands 1-10, 11-50, 51+."""
    schedule = FeeSchedule.objects.create(year=year, is_example=is_example)
    group_a = CountryGroup.objects.create(schedule=schedule, name="A", countries=["BE", "FR"])
    group_b = CountryGroup.objects.create(schedule=schedule, name="B", is_default=True, position=1)
    amounts = {
        (1, 10): (Decimal("500"), Decimal("250")),
        (11, 50): (Decimal("1000"), Decimal("500")),
        (51, None): (Decimal("2000"), Decimal("1000")),
    }
    for (low, high), (a, b) in amounts.items():
        band = FeeBand.objects.create(schedule=schedule, min_wises=low, max_wises=high)
        FeeAmount.objects.create(band=band, group=group_a, amount=a)
        FeeAmount.objects.create(band=band, group=group_b, amount=b)
    return schedule
