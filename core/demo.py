"""Shared state for `manage.py seed_demo`: each app's demo.py gets this and adds its part."""

import random
from dataclasses import dataclass, field
from datetime import date


@dataclass
class DemoContext:
    today: date
    rng: random.Random
    write: object  # callable printing a progress line
    users: dict = field(default_factory=dict)  # username -> User
    facts: dict = field(default_factory=dict)  # what one app's seed tells the next (e.g. the governor's school)
