import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Many users per test here; a fast hasher keeps the suite quick (not a security test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
