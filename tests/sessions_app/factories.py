from datetime import timedelta

import factory
from django.utils import timezone

from sessions_app.models import Registration, Session, Speaker


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    class Params:
        # The English texts by their short names: SessionFactory(title="…") sets title_en.
        title = factory.Sequence(lambda n: f"Social enterprises and topic {n}")
        summary = "Work integration social enterprises share what they learnt."
        description = "A **classic** format."
        discussion_points = ""
        format = "15-25 min presentation, 10-15 min Q&A and discussion."
        access_note = "Browser access is possible."
        cancellation_note = ""
        materials = ""

    number = factory.Sequence(lambda n: 100 + n)
    title_en = factory.SelfAttribute("title")
    slug = factory.Sequence(lambda n: f"session-{n}")
    summary_en = factory.SelfAttribute("summary")
    description_en = factory.SelfAttribute("description")
    discussion_points_en = factory.SelfAttribute("discussion_points")
    format_en = factory.SelfAttribute("format")
    access_note_en = factory.SelfAttribute("access_note")
    cancellation_note_en = factory.SelfAttribute("cancellation_note")
    materials_en = factory.SelfAttribute("materials")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    platform = "WebEx Meetings"
    status = Session.Status.PUBLISHED
    participation_link = ""
    link_version = factory.LazyAttribute(lambda o: 1 if o.participation_link else 0)

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    session = factory.SubFactory(SessionFactory)
    name = factory.Faker("name")
    role = "Director"
    organisation = factory.Faker("company")
    country = "FR"
    biography = "Runs a work integration social enterprise."
    order = factory.Sequence(lambda n: n)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"registrant{n}@example.org")
    organisation = "A WISE"
    country = "BE"
    language = "en"
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
