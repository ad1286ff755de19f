"""A trust's view: every concern across its academies, and its CEO and chair (officers edit them)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse

from core.forms import posted

from .. import selectors, services
from ..forms import TrustForm


@permission_required("academies.view_concerns", raise_exception=True)
def trust_detail(request, code: str):
    trust = selectors.trust_for_code(code)
    concerns = list(selectors.trust_concerns(user=request.user, trust=trust))
    for concern in concerns:
        concern.stage_label = selectors.stage_label(concern)
    academies = list(selectors.trust_academies(trust))
    open_by_school: dict[int, int] = {}
    for concern in concerns:
        if concern.is_open:
            open_by_school[concern.school_id] = open_by_school.get(concern.school_id, 0) + 1
    for school in academies:
        school.open_concerns = open_by_school.get(school.pk, 0)
    return render(
        request,
        "academies/trust_detail.html",
        {
            "trust": trust,
            "concerns": concerns,
            "open_count": sum(open_by_school.values()),
            "academies": academies,
            "can_edit": request.user.has_perm("academies.change_trust"),
            "title": trust.name,
        },
    )


@permission_required("academies.change_trust", raise_exception=True)
def trust_edit(request, code: str):
    trust = selectors.trust_for_code(code)
    form = TrustForm(
        posted(request),
        initial={"ceo_name": trust.ceo_name, "chair_name": trust.chair_name, "address": trust.address},
    )
    if request.method == "POST" and form.is_valid():
        services.trust_update_contacts(trust=trust, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{trust.name}'s chief executive, chair and address saved.")
        return redirect(reverse("academies:trust", kwargs={"code": trust.code}))
    return render(
        request, "academies/trust_edit.html", {"trust": trust, "form": form, "title": f"Change {trust.name}'s contacts"}
    )
