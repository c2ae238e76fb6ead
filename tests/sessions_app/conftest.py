import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """URLs reversed in a test are the English ones, whatever ran before."""
    with translation.override("en"):
        yield
