"""What refuses an account's details: a username, a password, an email address (accounts.services
checks them when an account is created or changed; the create form shows them all at once)."""

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.db import connection

from core.forms import EMAIL_INVALID, is_email_address

from . import own_passwords, rules
from .models import User
from .roles import Role

USERNAME_TAKEN = "A user with the username {username} already exists."
# Letters a to z (either case), digits and @ . + - _: a username in another script can pass for
# another user's ("admin" with a Cyrillic a, U+0430), and a full-width one could never sign in (the
# sign-in form folds it to plain letters). ADR 0056.
USERNAME_CHARACTERS = "Use only the letters a to z, digits and @ . + - _ in a username"
username_characters = ASCIIUsernameValidator(message=USERNAME_CHARACTERS)  # Django's, with our words
PASSWORD_NEEDED = "Enter initial password: a governor or admin signs in with it"


def user_create_problems(
    *, user: User, password: str, role: Role | str | None = None, by_someone: bool = True
) -> dict[str, list[str]]:
    """What refuses a new account, by field, all at once (the form shows them together): a username
    of other characters or already taken, whatever its case, a password the validators refuse, and
    no password for a governor or admin, no email address for someone given a role that opens
    case material whose password comes by a link (accounts.own_passwords), and an email address
    another account has (email_taken). Single sign-on accounts
    take the provider's username (accounts.sso), not this."""
    problems: dict[str, list[str]] = {}
    if not user.email.isascii():
        problems["email"] = [own_passwords.EMAIL_PLAIN]
    elif user.email and not is_email_address(user.email):  # (the forms check it too; a command does not)
        problems["email"] = [EMAIL_INVALID]
    elif user.email and (problem := email_taken(user.email, other_than=None)):
        problems["email"] = [problem]
    case_reader = rules.case_access(role) > 0
    # A link is emailed unless the system (`by_someone` false: a command, the demo) gave the password.
    if case_reader and not user.email and (by_someone or not password):
        problems["email"] = [own_passwords.EMAIL_FOR_THE_LINK]
    if not password and not case_reader:
        problems["password"] = [PASSWORD_NEEDED]
    try:
        username_characters(user.username)
    except ValidationError as error:
        problems["username"] = error.messages
    if "username" not in problems and User.objects.filter(username__iexact=user.username).exists():
        problems["username"] = [USERNAME_TAKEN.format(username=user.username)]
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            problems["password"] = error.messages
    return problems


# Single sign-on signs in to the one account with the provider's address, and refuses an address
# two accounts share (accounts.sso.services: it cannot tell whose it is); the links to choose a
# password go to it. So a second account with an address would lock the first out of single sign-on.
EMAIL_TAKEN = (
    "The account {username}{state} already has this email address: each account needs its own, "
    "as single sign-on finds an account by it"
)


def email_taken(email: str, *, other_than: User | None) -> str:
    """EMAIL_TAKEN naming the account (any other than `other_than`) that has this address in any
    case, as single sign-on compares them, or "" when none has. A deactivated account counts: single
    sign-on refuses an address a deactivated account shares as well."""
    if not email.strip():  # a blank address is nobody's: many accounts have none
        return ""
    holders = User.objects.filter(email__iexact=email.strip())
    if other_than is not None:
        holders = holders.exclude(pk=other_than.pk)
    holder = holders.order_by("pk").only("username", "is_active").first()
    if holder is None:
        return ""
    return EMAIL_TAKEN.format(username=holder.username, state="" if holder.is_active else " (deactivated)")


# The first of the two keys of the locks below: this lock's own space among PostgreSQL's advisory locks.
DETAILS_LOCK_SPACE = 6601


def hold_account_details(*, username: str = "", email: str = "") -> None:
    """Hold, until the transaction ends, this username and address (in any case) for the account
    being made or changed: another request with the same waits, then its check (USERNAME_TAKEN,
    email_taken) finds this one's account. Without it, two admins saving at the same moment both
    passed the check and made two accounts (docs/adr/0071). ADR 0066 keeps no database constraint,
    so that a council upgrading with addresses already shared is not stopped; this closes the race
    instead. PostgreSQL's advisory locks; SQLite takes its one write lock at BEGIN (IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    assert connection.in_atomic_block, "an advisory transaction lock outside a transaction is released at once"
    # Username first, then address, in every caller: two requests never wait on each other's second.
    keys = [f"username:{username.strip().casefold()}"] if username.strip() else []
    keys += [f"email:{email.strip().casefold()}"] if email.strip() else []
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [DETAILS_LOCK_SPACE, key])


def new_address_taken(*, user: User, email: str) -> str:
    """For an account's address changed to `email`: EMAIL_TAKEN naming the other account that has
    it, or "". The new address is held first (hold_account_details). The same address in another
    case is no change, and an address shared before ADR 0066's check may be kept."""
    if email.strip().casefold() == user.email.casefold():
        return ""
    hold_account_details(email=email)
    return email_taken(email, other_than=user)
