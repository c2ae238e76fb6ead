"""Demo data for this app, loaded by ``manage.py load_demo`` (idempotent)."""


def load(*, stdout) -> list[tuple[str, str, str]]:
    """Create or update the demo rows; return (role, email, password) demo logins."""
    return []
