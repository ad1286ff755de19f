"""The school picker: wherever a user chooses a school (drafting a letter, planning a visit, giving
a governor a school), they search the schools they may act on by name or URN and choose one from
the list, 20 at a time. It works without JavaScript: searching is a GET form, choosing is a link
that adds `?school=<URN>` to the page's address (choosing writes nothing; the page's own form then
POSTs what the user does with the school, with the CSRF token in the body).

The page says which schools the user may choose (`scope`); a school outside it that the user can
otherwise see is refused with 403, and one they cannot see, or that does not exist, with 404."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, QueryDict

from core.pagination import Pagination, paginate
from core.text import is_number

from .models import School
from .selectors import schools_visible_to, search_condition

PER_PAGE = 20
QUERY_PARAM, CHOSEN_PARAM, PAGE_PARAM = "q", "school", "page"
QUERY_MAX_LENGTH = 100


@dataclass
class Choice:
    school: School
    href: str


@dataclass
class SchoolPicker:
    query: str
    choices: list[Choice] = field(default_factory=list)
    pagination: Pagination | None = None
    chosen: School | None = None
    change_href: str = ""  # back to the search, to choose another school
    kept: list[tuple[str, str]] = field(default_factory=list)  # the page's other GET parameters
    hint: str = ""
    label: str = "School name or URN"
    anchor: str = ""  # where on the page the picker is, e.g. "#add-school", kept in its links

    @property
    def searched(self) -> bool:
        return bool(self.query)


def _href(params: QueryDict, anchor: str = "", **changes) -> str:
    params = params.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = str(value)
    return "?" + params.urlencode() + anchor


# The 403 page's words for a school the user can see but not choose here (its name is theirs to see),
# followed by the page's hint ("Concerns are recorded about open academies and free schools.").
NOT_CHOSEN_HERE = "{school} cannot be chosen here."


def chosen_school(request, scope: QuerySet[School], hint: str = "") -> School | None:
    """The school in `?school=<URN>`, if any, provided it is in `scope`: 403 for a school the user
    can see but may not choose here (saying so, with the page's hint), 404 for one that does not
    exist or they cannot see."""
    urn = request.GET.get(CHOSEN_PARAM, "").strip()
    if not urn:
        return None
    if not is_number(urn) or len(urn) > 9:
        raise Http404("Not a URN")
    school = scope.filter(urn=int(urn)).select_related("establishment_type").first()
    if school is not None:
        return school
    visible = schools_visible_to(request.user).filter(urn=int(urn)).first()
    if visible is not None:
        raise PermissionDenied(" ".join([NOT_CHOSEN_HERE.format(school=visible.name), hint]).strip())
    raise Http404("No such school")


def school_picker(
    request, *, scope: QuerySet[School], hint: str = "", label: str = "", anchor: str = "", forget=()
) -> SchoolPicker:
    """The picker's state for this request: the chosen school, or the schools of `scope` matching
    the search (all of them, when nothing is searched yet), 20 a page, by name. `forget` names the
    page's parameters that belong to the chosen school (the next step's answers), dropped from the
    picker's links."""
    params = request.GET.copy()
    for name in forget:
        params.pop(name, None)
    query = params.get(QUERY_PARAM, "").strip()[:QUERY_MAX_LENGTH]
    kept = [(k, v) for k, values in params.lists() if k not in (QUERY_PARAM, CHOSEN_PARAM, PAGE_PARAM) for v in values]
    picker = SchoolPicker(query=query, kept=kept, hint=hint, label=label or SchoolPicker.label, anchor=anchor)
    picker.chosen = chosen_school(request, scope, hint)
    if picker.chosen is not None:
        picker.change_href = _href(params, anchor, **{CHOSEN_PARAM: None, PAGE_PARAM: None})
        return picker
    matching = scope.select_related("establishment_type").order_by("name", "urn")
    if query:
        matching = matching.filter(search_condition(query))
    picker.pagination = paginate(request, matching, per_page=PER_PAGE)
    picker.choices = [
        Choice(school, _href(params, anchor, **{CHOSEN_PARAM: school.urn, PAGE_PARAM: None}))
        for school in picker.pagination.page.object_list
    ]
    return picker
