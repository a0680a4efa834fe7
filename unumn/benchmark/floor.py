"""The floor of the load benchmark: a bare Django view (no middleware, no database, no
template), served by the same gunicorn as the site, so the site's throughput can be
stated as a ratio that machine noise mostly cancels out of.

    gunicorn unumn.benchmark.floor:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="the-floor-has-no-secrets",  # noqa: S106 - serves one constant response
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def floor(request):
    return HttpResponse("The floor.", content_type="text/plain")


urlpatterns = [path("", floor)]

application = get_wsgi_application()
