"""Single sign-on: which account the identity provider's claims sign in to, and the role its groups
give (accounts/sso/claims.py, accounts/sso/services.py; docs/adr/0013)."""

import pytest

from accounts.models import AccessEvent, AccessEventKind
from accounts.roles import Role
from accounts.sso.claims import (
    NO_ACCOUNT,
    NO_EMAIL,
    NO_ROLE_GROUP,
    UNVERIFIED_EMAIL,
    WRONG_DOMAIN,
    Refusal,
    mapped_role,
    merge_claims,
    verified_email,
)
from accounts.sso.services import sso_user_for_claims

DOMAINS = ["council.gov.uk"]


def claims(email="Olivia.Okafor@Council.gov.uk", verified=True, **more):
    return {"sub": "abc", "email": email, "email_verified": verified, **more}


# ---- the email address ----------------------------------------------------------------------


def test_a_verified_address_in_an_allowed_domain_is_the_address_lower_cased():
    assert verified_email(claims(), allowed_domains=DOMAINS, trust_provider_emails=False) == (
        "olivia.okafor@council.gov.uk"
    )


@pytest.mark.parametrize("verified", [False, None, "false", 0])
def test_an_address_the_provider_has_not_verified_is_refused(verified):
    with pytest.raises(Refusal) as refused:
        verified_email(claims(verified=verified), allowed_domains=DOMAINS, trust_provider_emails=False)
    assert refused.value.message == UNVERIFIED_EMAIL
    assert refused.value.email == "olivia.okafor@council.gov.uk"


def test_an_email_verified_claim_sent_as_the_string_true_counts():
    assert verified_email(claims(verified="true"), allowed_domains=DOMAINS, trust_provider_emails=False)


def test_a_provider_whose_addresses_the_council_trusts_needs_no_email_verified_claim():
    entra = {"sub": "abc", "email": "olivia.okafor@council.gov.uk"}  # Entra ID sends no email_verified
    with pytest.raises(Refusal):
        verified_email(entra, allowed_domains=DOMAINS, trust_provider_emails=False)
    assert verified_email(entra, allowed_domains=DOMAINS, trust_provider_emails=True) == "olivia.okafor@council.gov.uk"


@pytest.mark.parametrize(
    "email", ["olivia@elsewhere.gov.uk", "olivia@sub.council.gov.uk", "olivia@council.gov.uk.evil.test"]
)
def test_an_address_outside_the_allowed_domains_is_refused_even_a_subdomain(email):
    with pytest.raises(Refusal) as refused:
        verified_email(claims(email=email), allowed_domains=DOMAINS, trust_provider_emails=True)
    assert refused.value.message == WRONG_DOMAIN


@pytest.mark.parametrize("email", [None, "", "   ", "no-at-sign", "two@at@council.gov.uk", ["a@council.gov.uk"]])
def test_claims_without_a_usable_address_are_refused(email):
    with pytest.raises(Refusal) as refused:
        verified_email(claims(email=email), allowed_domains=DOMAINS, trust_provider_emails=True)
    assert refused.value.message == NO_EMAIL


# ---- the groups -----------------------------------------------------------------------------

MAPPING = [("officer", "grp-officers"), ("adviser", "grp-advisers")]


def test_without_a_groups_mapping_the_groups_give_no_role():
    assert mapped_role(claims(groups=["grp-officers"]), groups_claim="", role_groups=[]) is None


def test_the_first_mapped_role_whose_group_the_person_is_in_is_theirs():
    role = mapped_role(
        claims(groups=["other", "grp-advisers", "grp-officers"]), groups_claim="groups", role_groups=MAPPING
    )
    assert role == "officer"
    assert mapped_role(claims(groups=["grp-advisers"]), groups_claim="groups", role_groups=MAPPING) == "adviser"


def test_the_groups_claim_can_be_named_and_can_be_a_single_string():
    assert mapped_role(claims(roles="grp-advisers"), groups_claim="roles", role_groups=MAPPING) == "adviser"


@pytest.mark.parametrize("groups", [[], ["someone-elses"], None, {"grp-officers": True}])
def test_with_a_groups_mapping_someone_in_none_of_its_groups_is_refused(groups):
    with pytest.raises(Refusal) as refused:
        mapped_role(claims(groups=groups), groups_claim="groups", role_groups=MAPPING)
    assert refused.value.message == NO_ROLE_GROUP


def test_the_id_tokens_claims_win_over_userinfo_which_only_adds():
    merged = merge_claims(
        {"sub": "abc", "email": "a@council.gov.uk", "groups": ["g1"]},
        {"sub": "abc", "email": "other@council.gov.uk", "email_verified": True},
    )
    assert merged == {"sub": "abc", "email": "a@council.gov.uk", "groups": ["g1"], "email_verified": True}


def test_userinfo_about_another_subject_is_ignored():
    assert merge_claims({"sub": "abc"}, {"sub": "xyz", "email": "a@council.gov.uk"}) == {"sub": "abc"}


# ---- the account ----------------------------------------------------------------------------


@pytest.fixture
def sso_settings(settings):
    settings.OIDC_ALLOWED_DOMAINS = DOMAINS
    settings.OIDC_TRUST_PROVIDER_EMAILS = False
    settings.OIDC_CREATE_USERS = False
    settings.OIDC_GROUPS_CLAIM = ""
    settings.OIDC_ROLE_GROUPS = []
    return settings


def test_the_account_with_the_verified_address_signs_in_and_is_marked_as_signing_in_with_sso(make_user, sso_settings):
    officer = make_user(Role.OFFICER, email="olivia.okafor@council.gov.uk")
    assert not officer.signs_in_with_sso
    assert sso_user_for_claims(claims=claims()) == officer
    officer.refresh_from_db()
    assert officer.signs_in_with_sso
    assert officer.role == Role.OFFICER  # no mapping: the role stays as the app gives it


@pytest.mark.django_db
def test_no_account_is_made_for_an_unknown_address_unless_configured(sso_settings, django_user_model):
    with pytest.raises(Refusal) as refused:
        sso_user_for_claims(claims=claims())
    assert refused.value.message == NO_ACCOUNT
    assert not django_user_model.objects.exists()


def test_a_deactivated_account_is_refused_as_if_there_were_none(make_user, sso_settings):
    make_user(Role.ADVISER, email="olivia.okafor@council.gov.uk", is_active=False)
    with pytest.raises(Refusal) as refused:
        sso_user_for_claims(claims=claims())
    assert refused.value.message == NO_ACCOUNT


def test_two_accounts_with_the_address_are_refused_rather_than_one_picked(make_user, sso_settings):
    make_user(Role.ADVISER, username="one", email="olivia.okafor@council.gov.uk")
    make_user(Role.ADVISER, username="two", email="OLIVIA.OKAFOR@council.gov.uk")
    with pytest.raises(Refusal) as refused:
        sso_user_for_claims(claims=claims())
    assert refused.value.message == NO_ACCOUNT


@pytest.mark.django_db
def test_with_create_users_on_an_account_is_made_with_no_role_and_no_password(sso_settings, django_user_model):
    sso_settings.OIDC_CREATE_USERS = True
    user = sso_user_for_claims(claims=claims(given_name="Olivia", family_name="Okafor"))
    assert (user.username, user.email, user.get_full_name()) == (
        "olivia.okafor@council.gov.uk",
        "olivia.okafor@council.gov.uk",
        "Olivia Okafor",
    )
    assert user.role is None
    assert not user.has_usable_password()
    assert user.signs_in_with_sso
    event = AccessEvent.objects.get(user=user)
    assert (event.kind, event.actor) == (AccessEventKind.ACCOUNT_CREATED, None)
    assert sso_user_for_claims(claims=claims()) == user  # and next time, the same account


def test_the_groups_mapping_sets_the_role_at_each_sign_in_as_the_system(make_user, sso_settings):
    sso_settings.OIDC_GROUPS_CLAIM = "groups"
    sso_settings.OIDC_ROLE_GROUPS = MAPPING
    user = make_user(Role.ADVISER, email="olivia.okafor@council.gov.uk")
    sso_user_for_claims(claims=claims(groups=["grp-officers"]))
    assert user.__class__.objects.get(pk=user.pk).role == Role.OFFICER
    sso_user_for_claims(claims=claims(groups=["grp-advisers"]))
    assert user.__class__.objects.get(pk=user.pk).role == Role.ADVISER
    changes = AccessEvent.objects.filter(user=user, kind=AccessEventKind.ROLE_CHANGED).order_by("at", "id")
    assert [(e.role_before, e.role_after, e.actor) for e in changes][-2:] == [
        ("adviser", "officer", None),
        ("officer", "adviser", None),
    ]
    sso_user_for_claims(claims=claims(groups=["grp-advisers"]))
    assert changes.count() == 3  # unchanged role: no new line in the access log


def test_the_groups_mapping_never_reactivates_a_deactivated_account(make_user, sso_settings):
    sso_settings.OIDC_GROUPS_CLAIM = "groups"
    sso_settings.OIDC_ROLE_GROUPS = MAPPING
    user = make_user(Role.ADVISER, email="olivia.okafor@council.gov.uk", is_active=False)
    with pytest.raises(Refusal):
        sso_user_for_claims(claims=claims(groups=["grp-officers"]))
    user.refresh_from_db()
    assert not user.is_active
    assert user.__class__.objects.get(pk=user.pk).role == Role.ADVISER
