from celery import shared_task


@shared_task(name="practices.build_facet_index")
def build_facet_index() -> None:
    """Build the facet index of the current catalogue, so that no visitor waits for it."""
    from .facet_index import facet_index
    from .selectors import catalogue_version

    facet_index(catalogue_version())
