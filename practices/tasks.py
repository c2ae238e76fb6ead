from celery import shared_task

from .facet_index import facet_index, recent_searches
from .selectors import catalogue_version, practice_text_matches, text_index_first
from .services import FACET_INDEX_TASK


@shared_task(name=FACET_INDEX_TASK)
def build_facet_index() -> None:
    """Build the facet index of the current catalogue, and read the matches of the last words
    searched, so that no visitor waits for either after a change."""
    version = catalogue_version()
    facet_index(version)
    for query in reversed(recent_searches()):  # oldest first: the order stays the same
        with text_index_first(query):
            practice_text_matches(version=version, query=query)
