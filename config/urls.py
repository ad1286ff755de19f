from django.urls import include, path

from core.views import bad_request, healthz, readyz, server_error

handler400 = bad_request
handler500 = server_error

urlpatterns = [
    path("", include("dashboard.urls")),
    path("accounts/", include("accounts.urls")),
    path("oidc/", include("accounts.sso.urls")),  # single sign-on; 404 unless configured (docs/adr/0013)
    path("audit/", include("audit.urls")),
    path("schools/<int:urn>/documents/", include("exchange.urls")),  # docs/adr/0034
    path("schools/", include("schools.urls")),
    path("categorisation/", include("categorisation.urls")),
    path("visits/", include("visits.urls")),
    path("letters/", include("letters.urls")),
    path("academies/", include("academies.urls")),
    path("", include("core.urls")),  # exports built in the background
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
