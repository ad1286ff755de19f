"""The service navigation. Each app registers its items in AppConfig.ready(); each role sees only
the items whose predicate it passes (the pages enforce the same rule themselves)."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: object  # a django-rules predicate taking the user
    order: int
    prefix: str = ""  # URL prefix that marks the item current; defaults to its own URL


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.url_name] = item


def navigation_for(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items, path = [], request.path
    for item in sorted(_items.values(), key=lambda i: i.order):
        if not item.allowed(user):
            continue
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "prefix": item.prefix or url})
    # The longest matching prefix is the current page ("/schools/mine/" over "/schools/").
    matches = [i for i in items if i["prefix"] != "/" and path.startswith(i["prefix"])] or [
        i for i in items if path == i["prefix"]
    ]
    current = max(matches, key=lambda i: len(i["prefix"]), default=None)
    for item in items:
        item["current"] = item is current
    return items


def context_processor(request):
    return {"navigation": navigation_for(request)}
