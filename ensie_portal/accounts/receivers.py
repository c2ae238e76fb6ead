"""allauth hooks: a password set from the emailed reset link verifies the address; activating
TOTP counts as passing the second factor in that session."""

from allauth.account.signals import password_reset
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from .services import email_verify_after_password_set, session_second_factor_record


@receiver(password_reset)
def verify_email_on_password_reset(sender, request, user, **kwargs):
    email_verify_after_password_set(user=user)


@receiver(authenticator_added)
def second_factor_passed_on_totp_activation(sender, request, user, authenticator, **kwargs):
    """allauth records nothing when TOTP is activated, yet the user has just typed a valid
    code from it: the session has passed the second factor."""
    if authenticator.type == Authenticator.Type.TOTP and request is not None:
        session_second_factor_record(request=request, user=user, authenticator=authenticator)
