from .models import SitePage


def site_page_get(*, slug: str) -> SitePage | None:
    return SitePage.objects.filter(slug=slug).first()
