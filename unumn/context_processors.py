from django.conf import settings


def site(request):
    """The site's name, and which section of the main navigation the page is in."""
    section = request.path.strip("/").split("/", 1)[0]
    return {"site_name": settings.SITE_NAME, "nav_section": section}
