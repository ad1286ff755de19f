from django.urls import path

from . import views

app_name = "sso"

# The callback's URL is the redirect URI registered at the provider: https://<host>/oidc/callback/
urlpatterns = [
    path("authenticate/", views.authenticate_view, name="authenticate"),
    path("callback/", views.callback_view, name="callback"),
]
