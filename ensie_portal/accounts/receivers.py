"""allauth hook: a password set from the emailed reset link verifies the address."""

from allauth.account.signals import password_reset
from django.dispatch import receiver

from .services import email_verify_after_password_set


@receiver(password_reset)
def verify_email_on_password_reset(sender, request, user, **kwargs):
    email_verify_after_password_set(user=user)
