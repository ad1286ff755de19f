from django.urls import path

from . import views, views_reminders

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("reminders/", views_reminders.reminders, name="reminders"),
]
