"""Which stored addresses belong to the person an email address names (pure: no database).

The address is matched case-insensitively. With its sub-addresses, every address delivered to
the same mailbox matches: ``ann@example.org`` and ``ann+news@example.org`` (and, given
``ann+news@example.org``, ``ann@example.org`` and its other tags), as the email-request limit
counts them (``sessions_app.inbound_emails.sender_mailbox``).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.crypto import salted_hmac


def normalise(address: str) -> str:
    return address.strip().lower()


@dataclass(frozen=True)
class PersonAddress:
    """The address staff typed, and whether its sub-addresses count as the same person."""

    address: str
    include_subaddresses: bool = True

    def __post_init__(self):
        object.__setattr__(self, "address", normalise(self.address))

    @property
    def mailbox(self) -> tuple[str, str]:
        """The local part without its sub-address, and the domain."""
        local, _at, domain = self.address.rpartition("@")
        return local.split("+", 1)[0], domain

    def matches(self, value: str) -> bool:
        value = normalise(value)
        if value == self.address:
            return True
        if not self.include_subaddresses or "@" not in value:
            return False
        local, _at, domain = value.rpartition("@")
        return (local.split("+", 1)[0], domain) == self.mailbox

    def q(self, field: str) -> Q:
        """The filter on ``field`` (an address column) for this person's addresses."""
        condition = Q(**{f"{field}__iexact": self.address})
        if self.include_subaddresses:
            local, domain = self.mailbox
            condition |= Q(**{f"{field}__iexact": f"{local}@{domain}"}) | Q(
                **{f"{field}__istartswith": f"{local}+", f"{field}__iendswith": f"@{domain}"}
            )
        return condition

    @property
    def digest(self) -> str:
        """A keyed hash of the address (HMAC with SECRET_KEY): the log of a request names the
        address without keeping it, and the same address typed again finds its earlier
        requests. Anyone without the secret key cannot test addresses against it."""
        return salted_hmac(
            "ensie_portal.privacy.address", self.address, algorithm="sha256"
        ).hexdigest()


def addresses_q(field: str, person: PersonAddress, others=()) -> Q:
    """``person``'s addresses, plus ``others`` matched exactly (an account's other addresses)."""
    condition = person.q(field)
    for other in others:
        condition |= Q(**{f"{field}__iexact": other})
    return condition
