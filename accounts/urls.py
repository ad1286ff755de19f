from django.urls import path

from . import headship_views, password_link_views, second_factor_views, session_limits, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.login_view, name="login"),
    path("sign-out/", views.logout_view, name="logout"),
    # The session's time left, and "Stay signed in" (the warning before the idle limit, ADR 0085).
    path("session/", session_limits.session_time, name="session_time"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/done/", views.password_change_done_view, name="password_change_done"),
    # A case reader's own password, through an emailed link (docs/adr/0062).
    path("password/choose/<uidb64>/<token>/", password_link_views.choose_password, name="choose_password"),
    path("password/chosen/", password_link_views.choose_password_done, name="choose_password_done"),
    path("users/<int:pk>/password-link/", password_link_views.password_link_send, name="password_link_send"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    # A headteacher's schools (docs/adr/0023).
    path("users/<int:user_pk>/headships/add/", headship_views.headship_add, name="headship_add"),
    path("users/headships/<int:pk>/remove/", headship_views.headship_remove, name="headship_remove"),
    path("users/<int:pk>/headships/", headship_views.user_headships, name="user_headships"),
    # Signing in: the second factor, the own account page, an admin's reset and unlock (ADR 0009).
    path("account/", second_factor_views.account, name="account"),
    path("second-factor/", second_factor_views.verify, name="second_factor_verify"),
    path("second-factor/recovery-code/", second_factor_views.recovery, name="second_factor_recovery"),
    path("second-factor/set-up/", second_factor_views.enrol, name="second_factor_enrol"),
    path("second-factor/set-up/qr.svg", second_factor_views.qr, name="second_factor_qr"),
    path("second-factor/recovery-codes/", second_factor_views.codes, name="second_factor_codes"),
    path("second-factor/turn-off/", second_factor_views.turn_off, name="second_factor_turn_off"),
    path(
        "users/<int:pk>/second-factor/reset/",
        second_factor_views.user_second_factor_reset,
        name="user_second_factor_reset",
    ),
    path("users/<int:pk>/unlock/", second_factor_views.user_unlock, name="user_unlock"),
]
