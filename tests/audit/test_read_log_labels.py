"""Every page that records a read has plain words for "How" in the read log (audit.selectors.HOW_READ),
never its URL name. The pages are found, not listed: every view the URLconf routes to is followed
through the project's functions it calls or names; one that reaches a `record_*` of audit.services
records reads. A document built by a task names its page itself (`view=`): those names are found
in the code."""

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from audit import selectors, services

RECORDERS = {name for name, value in vars(services).items() if name.startswith("record_") and callable(value)}
SKIPPED_DIRS = {".venv", "tests", "migrations", "node_modules"}


def is_ours(value: Any) -> bool:
    """A function of the project's (not Django's or a library's)."""
    module = getattr(value, "__module__", None) or ""
    file = getattr(inspect.getmodule(value), "__file__", None) or ""
    base = Path(settings.BASE_DIR)
    return (
        bool(module)
        and file.startswith(str(base))
        and not set(Path(file).relative_to(base).parts) & SKIPPED_DIRS
        and not module.startswith("audit.services")
    )


def routed_views(patterns: list, namespace: str = "") -> Iterator[tuple[str, Callable]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routed_views(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def entry_points(callback: Callable) -> list[Callable]:
    """The functions a request to the view runs first: a class-based view's own methods, or the
    function under its decorators."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return [inspect.unwrap(callback)]
    return [
        inspect.unwrap(value)
        for klass in view_class.__mro__
        if is_ours(klass)
        for value in vars(klass).values()
        if isinstance(value, FunctionType)
    ]


def resolved(node: ast.expr, scope: dict[str, Any]) -> Any:
    """What a name or a dotted name (`moderation.moderation_sheet`) means in the function's module."""
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = resolved(node.value, scope)
        return getattr(owner, node.attr, None) if isinstance(owner, ModuleType | type) else None
    return None


def records_a_read(start: list[Callable]) -> bool:
    """Whether any of the functions, or a project function they call or pass on, calls a recorder
    (a call by attribute, `source.record_reads(...)`, counts: the evidence sources are called so)."""
    queue, visited = list(start), set()
    while queue:
        function = queue.pop()
        if function in visited or not isinstance(function, FunctionType):
            continue
        visited.add(function)
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        except (OSError, TypeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in RECORDERS:
                    return True
            if isinstance(node, ast.Name | ast.Attribute):
                value = resolved(node, function.__globals__)
                if isinstance(value, FunctionType) and is_ours(value):
                    queue.append(inspect.unwrap(value))
    return False


def views_that_record_reads() -> set[str]:
    return {
        name for name, callback in routed_views(get_resolver().url_patterns) if records_a_read(entry_points(callback))
    }


def named_views() -> set[str]:
    """The pages named by a `view=` given to a recorder (a document built by a task), as strings or
    module constants."""
    names = set()
    base = Path(settings.BASE_DIR)
    for path in base.glob("*/**/*.py"):
        if set(path.relative_to(base).parts) & SKIPPED_DIRS:
            continue
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            for keyword in node.keywords if name in RECORDERS else []:
                if keyword.arg != "view":
                    continue
                if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                    names.add(keyword.value.value)
                elif isinstance(keyword.value, ast.Name) and keyword.value.id in constants:
                    names.add(constants[keyword.value.id])
    return names


def test_the_scan_finds_the_pages_known_to_record_reads_and_not_the_others():
    """The scan itself: direct calls, calls through helpers and through the evidence sources."""
    found = views_that_record_reads()
    assert {
        "visits:detail",  # record_request_read in the view
        "letters:detail",  # through letters.views_shared.record_draft_read
        "academies:meeting_pack_pdf",  # through the module's _context
        "categorisation:moderation_export",
        "exchange:download",
    } <= found
    assert not {"schools:list", "accounts:login", "audit:read_log"} & found
    assert "dashboard:timeline_pdf" in named_views()  # the case file's PDF, built by a task


def test_every_page_that_records_a_read_has_plain_words_for_how():
    missing = sorted((views_that_record_reads() | named_views()) - selectors.HOW_READ.keys())
    assert missing == [], f"add to audit.selectors.HOW_READ: {missing}"
