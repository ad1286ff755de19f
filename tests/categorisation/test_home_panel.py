"""The officer's home panel of categorisation (categorisation/panels.py): three cards, each
shown once, each linking to its list. The challenges card was once pasted inside the other two and
showed three times."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_officers_home_shows_each_categorisation_card_once_with_its_link(client_as, school):
    html = client_as("officer").get(reverse("dashboard:home")).content.decode()
    for name in ("categorisation:queue", "categorisation:review_due", "categorisation:challenges"):
        assert html.count(f'href="{reverse(name)}"') == 1, name
    assert len(re.findall(r"from schools to decide", html)) == 1
    cards = re.search(r'<div class="app-summary-cards">(.*?)\n</div>', html, re.S)
    assert cards is not None
    assert cards.group(1).count('<div class="app-card">') == 3
