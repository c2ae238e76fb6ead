import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.core.validators import MaxLengthValidator
from django.utils import translation

from ensie_portal.outbox.services import mail_queue_message

# The longest address an email column holds (RFC 5321 allows no longer a path either).
EMAIL_MAX_LENGTH = 254


class PortalAccountAdapter(DefaultAccountAdapter):
    """Routes allauth's emails (verification, password reset, ...) through the outbox."""

    def clean_email(self, email: str) -> str:
        """Every allauth form that takes an address (sign-up, password reset, adding an
        address) refuses one longer than a column can store, beside its field; its own
        EmailField would take 320 characters."""
        MaxLengthValidator(EMAIL_MAX_LENGTH)(email)
        return super().clean_email(email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        language = translation.get_language() or "en"
        user = context.get("user")
        if user is not None and getattr(user, "preferred_language", None):
            language = user.preferred_language
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        text = message.body if message.content_subtype != "html" else ""
        mail_queue_message(
            # allauth's messages carry one-time keys: each call is its own logical message. (The
            # address is the row's recipient; in the key, a long one would overflow it.)
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            to=email,
            language=language,
            subject=message.subject,
            body_text=text or html,
            body_html=html if text else message.body,
        )
