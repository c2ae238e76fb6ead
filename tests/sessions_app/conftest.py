import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """URLs reversed in a test are the English ones, whatever ran before."""
    with translation.override("en"):
        yield


# The browser fixtures, for this app's pages that the public crawl cannot reach.
from tests.e2e.conftest import browser, demo_data, open_page  # noqa: E402, F401
