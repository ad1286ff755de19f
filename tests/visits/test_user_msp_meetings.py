"""visits.selectors.user_msp_meetings: the MSP meetings of the groups a user chairs or belongs to,
each once (a chair who is also listed as a member), none of another's group."""

import pytest

from tests.factories import UserFactory
from tests.visits.factories import MspGroupFactory, MspMeetingFactory, MspMemberFactory
from visits.models import MspMemberRole
from visits.selectors import user_msp_meetings

pytestmark = pytest.mark.django_db


def test_a_users_msp_meetings_are_those_of_the_groups_they_chair_or_belong_to_each_once(adviser):
    chaired_and_member = MspGroupFactory(chair=adviser)
    MspMemberFactory(group=chaired_and_member, name=str(adviser), role=MspMemberRole.LINK_ADVISER, user=adviser)
    member_only = MspGroupFactory()
    MspMemberFactory(group=member_only, name=str(adviser), role=MspMemberRole.LINK_ADVISER, user=adviser)
    MspMemberFactory(group=member_only)  # another member, without an account
    chaired_only = MspGroupFactory(chair=adviser)
    someone_elses = MspGroupFactory()
    MspMemberFactory(group=someone_elses, name="Another adviser", user=UserFactory())
    mine = [MspMeetingFactory(group=g) for g in (chaired_and_member, chaired_and_member, member_only, chaired_only)]
    MspMeetingFactory(group=someone_elses)
    assert sorted(m.pk for m in user_msp_meetings(user=adviser)) == sorted(m.pk for m in mine)
