"""The category sent to the school (docs/adr/0027): the school's page of its category (its
headteachers answer, its chair of governors reads), and the officer's challenges to decide."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.permissions import is_headteacher_of_school
from core.forms import add_service_errors, posted
from schools.selectors import school_for_user

from . import notices
from .forms_notice import AnswerForm, DecisionForm
from .models import CategoryNotice, NoticeResponse

AGREED = "Thank you: the local authority has your agreement."
CHALLENGED = "Your challenge was sent to the local authority: an officer will decide it and tell you the outcome."
DECIDED = "Decision recorded on the categorisation's history. The school is emailed it in the background."
DECIDED_UPHELD = DECIDED + " To change the category, start a new categorisation of the school."


@permission_required("categorisation.read_school_category", raise_exception=True)
def school_category(request, urn: int):
    """The school's category as the LA sent it, and the headteacher's answer within the window."""
    school = school_for_user(user=request.user, urn=urn)
    if not notices.may_read_notices_of(request.user, school):
        raise Http404
    notice = notices.latest_notice(school)
    today = timezone.localdate()
    window_open = notice is not None and notices.the_school_answers_within_the_set_days(
        respond_by=notice.respond_by, today=today
    )
    may_answer = notice is not None and not notice.response and is_headteacher_of_school(request.user, school)
    form = AnswerForm(posted(request)) if may_answer and window_open else None
    if request.method == "POST":
        if form is None:
            if notice is None or not is_headteacher_of_school(request.user, school):
                raise PermissionDenied
            if notice.response:
                messages.error(request, notices.ANSWERED_ALREADY)
            else:
                messages.error(request, notices.WINDOW_CLOSED.format(day=f"{notice.respond_by:%-d %B %Y}"))
            return redirect("categorisation:school_category", urn=urn)
        if form.is_valid() and notice is not None:
            try:
                notices.category_notice_answer(
                    notice=notice,
                    actor=request.user,
                    response=form.cleaned_data["response"],
                    reasons=form.cleaned_data["reasons"],
                    today=today,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                answered = form.cleaned_data["response"] == NoticeResponse.AGREE
                messages.success(request, AGREED if answered else CHALLENGED)
                return redirect("categorisation:school_category", urn=urn)
    return render(
        request,
        "categorisation/school_category.html",
        {
            "school": school,
            "notice": notice,
            "form": form,
            "window_open": window_open,
            "may_answer": may_answer,
            "current": notice is not None and notices.is_current(notice),
            "title": f"{school.name}: support category",
        },
    )


@permission_required("categorisation.decide_challenges", raise_exception=True)
def challenges(request):
    """Challenges from schools awaiting an officer's decision, and the latest decided."""
    decided = (
        CategoryNotice.objects.exclude(decision="")
        .select_related("categorisation__school", "decided_by")
        .order_by("-decided_at", "-id")[:20]
    )
    return render(
        request,
        "categorisation/challenges.html",
        {
            "open": list(notices.open_challenges()[:500]),
            "decided": list(decided),
            "title": "Challenges to categories",
        },
    )


@permission_required("categorisation.decide_challenges", raise_exception=True)
def decide(request, pk: int):
    notice = get_object_or_404(
        CategoryNotice.objects.select_related(
            "categorisation__school", "categorisation__approved_by", "responded_by", "decided_by"
        ),
        pk=pk,
    )
    form = DecisionForm(posted(request)) if notice.is_open_challenge else None
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                notices.NOT_A_CHALLENGE if notice.response != NoticeResponse.CHALLENGE else notices.DECIDED_ALREADY,
            )
            return redirect("categorisation:decide", pk=pk)
        if form.is_valid():
            try:
                notices.category_challenge_decide(
                    notice=notice,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    reasons=form.cleaned_data["reasons"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    add_service_errors(form, error)
                else:
                    messages.error(request, " ".join(error.messages))
                    return redirect("categorisation:decide", pk=pk)
            else:
                upheld = form.cleaned_data["decision"] == "upheld"
                messages.success(request, DECIDED_UPHELD if upheld else DECIDED)
                return redirect(notice.categorisation)
    return render(
        request,
        "categorisation/decide.html",
        {
            "notice": notice,
            "categorisation": notice.categorisation,
            "school": notice.categorisation.school,
            "form": form,
            "title": f"Decide the challenge: {notice.categorisation.school.name}",
        },
    )
