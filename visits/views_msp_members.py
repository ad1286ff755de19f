"""MSP members from the school (docs/adr/0031): the minutes of the meetings they attended and the
school's actions from them. School users only: LA staff have the group and meeting pages; admins
read no case material (403)."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from audit.services import record_request_read

from . import msp_members


@permission_required("visits.read_attended_minutes", raise_exception=True)
def attended_list(request):
    """The held MSP meetings the user attended as a member of their school's group, and the ones to come."""
    meetings = list(msp_members.meetings_attended_by(request.user))
    to_come = list(msp_members.meetings_to_come_for(request.user, today=timezone.localdate()))
    context = {"meetings": meetings, "to_come": to_come, "title": "Your MSP meetings"}
    return render(request, "visits/msp_attended_list.html", context)


@permission_required("visits.read_attended_minutes", raise_exception=True)
def attended_meeting(request, pk: int):
    """The minutes of a meeting the user attended and the actions the school owns from it; any other
    meeting (not attended, another school's, not yet held) is 404."""
    meeting = msp_members.attended_meeting_for_user(user=request.user, pk=pk)
    record_request_read(request, meeting)
    return render(
        request,
        "visits/msp_attended_meeting.html",
        {
            "meeting": meeting,
            "school": meeting.group.school,
            "actions": msp_members.school_actions_of(meeting),
            "title": f"MSP meeting of {meeting.held_on:%-d %B %Y}: minutes",
        },
    )
