"""The admin's user page: a headteacher's schools (section, add, remove); an officer's page of them
(they may end one, not give it). docs/adr/0023."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import headships
from .forms import HeadshipForm
from .models import Headship
from .roles import Role

PICKER_HINT = "Any open school."
WAITING_FOR_AN_OFFICER = "Asked an officer to approve: {request}. It opens the school's shared case material."
ENDED = "{user} is no longer headteacher of {school}."


def section(request, user) -> dict | None:
    """The "Headteacher of" section of the user page: admins only, for a headteacher (or a user
    who still has schools from an earlier headteacher role)."""
    if not request.user.has_perm("accounts.manage_users"):
        return None
    from schools.models import School
    from schools.picker import school_picker

    held = list(Headship.objects.filter(user=user).select_related("school"))
    is_headteacher = user.role == Role.HEADTEACHER
    if not is_headteacher and not held:
        return None
    picker = (
        school_picker(request, scope=School.objects.open(), hint=PICKER_HINT, anchor="#add-headship")
        if is_headteacher
        else None
    )
    form = HeadshipForm(initial={"urn": picker.chosen.urn}) if picker and picker.chosen else None
    return {"headships": held, "is_headteacher": is_headteacher, "picker": picker, "headship_form": form}


@require_POST
@permission_required("accounts.manage_users", raise_exception=True)
def headship_add(request, user_pk: int):
    user = get_object_or_404(get_user_model(), pk=user_pk)
    form = HeadshipForm(request.POST)
    if form.is_valid():
        try:
            asked = headships.headship_ask(user=user, school=form.school, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, WAITING_FOR_AN_OFFICER.format(request=asked))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("accounts:user_detail", kwargs={"pk": user.pk}))


@permission_required("accounts.end_headship", raise_exception=True)
def user_headships(request, pk: int):
    """The schools a person leads, for an officer (who has no user page) to end a headship."""
    user = get_object_or_404(get_user_model(), pk=pk)
    held = list(Headship.objects.filter(user=user).select_related("school"))
    return render(
        request,
        "accounts/user_headships.html",
        {"subject": user, "headships": held, "title": f"Schools {user} leads"},
    )


@require_POST
@permission_required("accounts.end_headship", raise_exception=True)
def headship_remove(request, pk: int):
    headship = get_object_or_404(Headship.objects.select_related("user", "school"), pk=pk)
    headships.headship_remove(headship=headship, actor=request.user)
    messages.success(request, ENDED.format(user=headship.user, school=headship.school.name))
    page = "accounts:user_detail" if request.user.has_perm("accounts.manage_users") else "accounts:user_headships"
    return redirect(reverse(page, kwargs={"pk": headship.user_id}))
