"""Each officer-dashboard chart as its own SVG document (/dashboard/charts/<name>.svg, with the
dashboard's filters), shown by the page as an <img> (docs/adr/0035): pygal's SVG carries a style
element, which the page's Content-Security-Policy would block inline; served apart, the page's
policy is unchanged and the SVG's own policy allows only that style (by its hash) and nothing else."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from . import charts, figure_charts, figures
from .views_officer import scope_of

CHARTS = {
    "levels": lambda scope: figure_charts.levels_chart(figures.levels(scope)),
    "letters": lambda scope: figure_charts.letters_chart(figures.letters(scope)),
}


@permission_required("dashboard.view_officer_dashboard", raise_exception=True)
def chart_svg(request: HttpRequest, name: str) -> HttpResponse:
    if name not in CHARTS:
        raise Http404("No such chart")
    _form, scope = scope_of(request)
    scope.lists = False  # a chart draws numbers only (docs/adr/0037)
    svg = charts.render_svg(CHARTS[name](scope))
    response = HttpResponse(svg, content_type="image/svg+xml")
    # No script, nothing fetched; the SVG's own style element only, by its hash (which changes with the
    # chart). django-csp's middleware leaves a header the view has set, so this stricter policy
    # stands instead of the site's.
    response["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'none'",
            "style-src " + " ".join(charts.style_hashes(svg)),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
