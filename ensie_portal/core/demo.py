"""Demo data of the portal itself: the demo accounts per role and the home and privacy pages.

The home page text is ENSIE's own presentation (who ENSIE is, what WISEs are), copied from
ENSIE's public pages into the project so that a fresh clone has it.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from ensie_portal.accounts.models import Roles, User
from ensie_portal.core.models import SitePage

DEMO_PASSWORD = "ensie-demo-2026"
# A fixed secret so that the demo accounts that open privileged pages (staff, Board,
# organiser, editor) have an authenticator; with
# ``make run`` the demo bypass code (MFA_TOTP_INSECURE_BYPASS_CODE) is accepted as well.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def demo_user(
    email: str,
    *,
    display_name: str,
    organisation: str = "",
    language: str = "en",
    groups: tuple[str, ...] = (),
    is_staff: bool = False,
    is_superuser: bool = False,
    totp: bool = False,
) -> User:
    """Create or update a demo account with a verified address (idempotent)."""
    user, created = User.objects.get_or_create(email=email)
    user.display_name = display_name
    user.organisation = organisation
    user.preferred_language = language
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    if totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


HOME_INTRO_EN = (
    "ENSIE represents the interests of national and regional networks of Work Integration "
    "Social Enterprises (WISEs), striving for more inclusive and integrated forms of employment "
    "at European level."
)
HOME_INTRO_FR = (
    "ENSIE représente les intérêts des réseaux nationaux et régionaux d'entreprises sociales "
    "d'insertion par le travail (ESIT), pour des formes d'emploi plus inclusives et intégrées "
    "au niveau européen."
)
HOME_BODY_EN = """\
## Who we are

The European Network of Social Integration Enterprises (ENSIE) was officially established in
Bruges (Belgium) on May 11, 2001. For several years, exchanges between national networks of
Work Integration Social Enterprises (WISEs) had made it possible to identify common principles
for these initiatives across the countries of Europe.

ENSIE takes as its objective the representation, maintenance and development within Europe of
networks and federations of work integration social enterprises.

## Our objectives

- to reinforce the power of the actors in economic social integration enterprises through the
  interchange between the member organisations;
- to stimulate co-operation and partnerships by promoting proper practices, research results
  and new applications;
- to organise the exchange of information on the legislative national and local policy levels
  between member organisations;
- to represent the network and to promote all of its activities on all pertinent European levels;
- to elaborate contributions and propositions in order to participate in the definition of a
  European policy against social exclusion;
- to develop a close and solid collaboration with other European networks active in the social
  economy.

## What are WISEs?

WISEs take various forms in Europe, but ENSIE defines them as organisations that identify with
three principles:

- **Their social objective is social integration and citizenship.** Their fundamental aim is the
  social and professional integration of people who, through exclusion, have fallen victim to
  increasing social and professional handicaps.
- **They are enterprises at the core of the economic system.** They carry on their activities in
  a concrete economic context subject to market demand, an effective instrument for the
  individual and collective upgrading of excluded people.
- **They have a strong pedagogical dimension.** They run programmes of socialisation,
  professional training in a real production environment, integration at the workplace, and
  citizenship within the enterprise.
"""
HOME_BODY_FR = """\
## Qui sommes-nous

Le Réseau européen des entreprises sociales d'insertion (ENSIE) a été officiellement créé à
Bruges (Belgique) le 11 mai 2001. Depuis plusieurs années, les échanges entre les réseaux
nationaux d'entreprises sociales d'insertion par le travail (ESIT) avaient permis d'identifier
des principes communs à ces initiatives dans les différents pays d'Europe.

ENSIE a pour objectif la représentation, le maintien et le développement en Europe des réseaux
et fédérations d'entreprises sociales d'insertion par le travail.

## Nos objectifs

- renforcer le pouvoir des acteurs des entreprises sociales d'insertion par les échanges entre
  les organisations membres ;
- stimuler la coopération et les partenariats en promouvant les bonnes pratiques, les résultats
  de recherche et les nouvelles applications ;
- organiser l'échange d'informations sur les politiques législatives nationales et locales entre
  les organisations membres ;
- représenter le réseau et promouvoir l'ensemble de ses activités à tous les niveaux européens
  pertinents ;
- élaborer des contributions et des propositions pour participer à la définition d'une
  politique européenne de lutte contre l'exclusion sociale ;
- développer une collaboration étroite et solide avec les autres réseaux européens actifs dans
  l'économie sociale.

## Que sont les ESIT ?

Les ESIT prennent des formes variées en Europe, mais ENSIE les définit comme des organisations
qui se reconnaissent dans trois principes :

- **Leur objectif social est l'insertion sociale et la citoyenneté.** Leur but fondamental est
  l'insertion sociale et professionnelle de personnes qui, par leur exclusion, sont victimes de
  handicaps sociaux et professionnels croissants.
- **Ce sont des entreprises au cœur du système économique.** Elles exercent leur activité dans
  un contexte économique concret, soumis à la demande du marché, instrument efficace de
  valorisation individuelle et collective des personnes exclues.
- **Elles ont une forte dimension pédagogique.** Elles mènent des programmes de socialisation,
  de formation professionnelle en situation réelle de production, d'insertion sur le lieu de
  travail et de citoyenneté au sein de l'entreprise.
"""
PRIVACY_BODY_EN = """\
ENSIE processes the personal data you give us (your name, email address and organisation) only
to run the services you ask for: your account, your registration to an online session, your
network's application. We never sell it or share it with third parties, and this site loads
nothing from other sites.

Registrations to online sessions are anonymised a few months after the session (180 days by
default); counts and attendance totals are kept. Registration requests sent by email are erased
90 days after they arrived, and our copies of the emails we send you after 30 days. You can ask
at any time to see, correct or delete your data by writing to the secretariat.
"""
PRIVACY_BODY_FR = """\
ENSIE traite les données personnelles que vous nous confiez (votre nom, votre adresse
électronique et votre organisation) uniquement pour les services que vous demandez : votre
compte, votre inscription à une session en ligne, la candidature de votre réseau. Nous ne les
vendons jamais et ne les partageons avec aucun tiers ; ce site ne charge rien depuis d'autres
sites.

Les inscriptions aux sessions en ligne sont anonymisées quelques mois après la session (180
jours par défaut) ; les nombres et les totaux de participation sont conservés. Les demandes
d'inscription envoyées par courriel sont effacées 90 jours après leur arrivée, et nos copies des
courriels que nous vous envoyons après 30 jours. Vous pouvez à tout moment demander à consulter,
corriger ou supprimer vos données en écrivant au secrétariat.
"""


def load(*, stdout) -> list[tuple[str, str, str]]:
    SitePage.objects.update_or_create(
        slug="home",
        defaults={
            "title_en": "European Network of Social Integration Enterprises",
            "title_fr": "Réseau européen des entreprises sociales d'insertion",
            "intro_en": HOME_INTRO_EN,
            "intro_fr": HOME_INTRO_FR,
            "body_en": HOME_BODY_EN,
            "body_fr": HOME_BODY_FR,
        },
    )
    SitePage.objects.update_or_create(
        slug="privacy",
        defaults={
            "title_en": "Privacy",
            "title_fr": "Confidentialité",
            "body_en": PRIVACY_BODY_EN,
            "body_fr": PRIVACY_BODY_FR,
        },
    )
    demo_user(
        "staff@demo.ensie.eu",
        display_name="Sofia Secretariat",
        organisation="ENSIE",
        is_staff=True,
        is_superuser=True,
        totp=True,
    )
    demo_user(
        "board@demo.ensie.eu",
        display_name="Bruno Board",
        organisation="ENSIE Board of Directors",
        language="fr",
        groups=(Roles.BOARD,),
        totp=True,
    )
    demo_user(
        "organiser@demo.ensie.eu",
        display_name="Olga Organiser",
        organisation="ENSIE",
        groups=(Roles.ORGANISERS,),
        totp=True,
    )
    demo_user("public@demo.ensie.eu", display_name="Paul Public")
    return [
        ("staff (admin, two-factor)", "staff@demo.ensie.eu", DEMO_PASSWORD),
        ("Board member (two-factor)", "board@demo.ensie.eu", DEMO_PASSWORD),
        ("session organiser (two-factor)", "organiser@demo.ensie.eu", DEMO_PASSWORD),
        ("registered public user", "public@demo.ensie.eu", DEMO_PASSWORD),
    ]
