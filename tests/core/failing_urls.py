"""The product's URLs and error handlers, with one page that fails (tests/core/test_refusal_pages.py)."""

from django.urls import path

from config.urls import handler400, handler500
from config.urls import urlpatterns as product_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


def broken(request):
    raise RuntimeError("a fault of the service's own")


urlpatterns = [path("broken/", broken), *product_urlpatterns]
