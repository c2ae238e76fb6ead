class DomainError(Exception):
    """A business rule refused an action. ``str(error)`` is a translated, user-facing message.

    Views catch it and show it with ``messages.error``; nothing was written.
    """

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class TransitionNotAllowed(DomainError):  # noqa: N818 - reads as the rule it reports
    pass
