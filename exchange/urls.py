from django.urls import path

from . import views

app_name = "exchange"

# Included under schools/<int:urn>/documents/ (config/urls.py).
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/download/", views.document_download, name="download"),
    path("<int:pk>/withdraw/", views.document_withdraw, name="withdraw"),
]
