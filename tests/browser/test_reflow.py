"""Reflow at 320 CSS px (WCAG 1.4.10, which is also 1280 px at 400 % zoom):
no page scrolls sideways. Wide tables stack their rows or scroll within a
labelled region of their own; long unbroken text wraps.

One test, so council A's business is built once: someone signed out, an
officer, a clerk and a member each open every GET URL of the access matrix
that answers them 200 and then every page those link to (one page of each
kind: a crawl of the service as each of them sees it), in one browser page
320 px wide. Each page is measured, and checked with axe the first time it
is seen (the `visit` fixture); the failure lists every page that is wider
than the viewport, with its width and the elements that stick out.
"""

import time
from urllib.parse import parse_qs, urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from api import urls as api_urls
from governance.history import save_with_reason

from ..access.test_access_matrix import EXTRAS, MATRIX, ByPolicy, url_for
from ..base import build_business

WIDTH = 320

#: Not HTML pages (papers, spreadsheets, feeds), the Django admin, and
#: pages that start background work or end the session.
NOT_PAGES = {
    "decisions:decision_paper",
    "decisions:report_paper",
    "decisions:considered_paper",
    "decisions:meeting_pack",
    "decisions:meeting_calendar",
    "decisions:decision_feed",
    "strategy:strategy_paper",
    "strategy:strategy_on_a_page_paper",
    "workplan:workplan_paper",
    "workplan:review_paper",
    "workplan:workplan_export_csv",
    "workplan:workplan_export_xlsx",
    "workplan:import_template_csv",
    "workplan:import_template_xlsx",
    "healthz",
    "logout",
    "login",
    "sign_in_code",
    "public:agenda_pack",
    "public:report_paper",
    "public:decision_paper",
    "public:decision_feed",
    "public:meeting_calendar",
    "public:sitemap",
}
#: The open data API answers JSON (and its schema YAML); its one page is the
#: data dictionary.
NOT_PAGES |= {
    f"api:{pattern.name}"
    for pattern in api_urls.urlpatterns
    if pattern.name != "data_dictionary"
}

#: The papers sent with an agenda: each row builds them afresh, so they are
#: left out here (they are downloads).
PAPER_EXTRAS = {
    "sent_pack",
    "sent_report",
    "withdrawn_report",
    "pack_rendered",
    "report_rendered",
    "decision_rendered",
}

#: Which elements stick out past the viewport's right edge: for each, the
#: outermost one (its parent fits), leaving out what an ancestor clips or
#: scrolls.
OVERFLOWING = """
() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    for (const c of el.classList) name += "." + c;
    const text = (el.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit || box.width === 0) continue;
    const parent = el.parentElement;
    if (parent !== document.body && parent.getBoundingClientRect().right > limit) {
      continue;
    }
    if (clipped(el)) continue;
    found.push(
      `${describe(el)}: ${Math.round(box.width)} px wide, ` +
      `right edge at ${Math.round(box.right)} px`
    );
  }
  // Text wider than the element holding it (a long word in a fixed box).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || clipped(node)) continue;
    // Only text sticking out of a box that itself fits (a box that does
    // not is reported above).
    if (node.parentElement.getBoundingClientRect().right > limit) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.right > limit && box.width > 0) {
      found.push(
        `text in ${describe(node.parentElement)}: ${Math.round(box.width)} px wide, ` +
        `right edge at ${Math.round(box.right)} px`
      );
    }
  }
  return found.slice(0, 3);
}
"""

#: Every link on the page, resolved.
LINKS = "() => Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"


def page_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def expected(row, role, cast, business):
    """The status the access matrix expects `role` to get for `row`."""
    if isinstance(row.expected, ByPolicy):
        return row.expected.resolve(role, row, cast, business)
    return row.expected[role]


def long_strings(cast, business):
    """Long unbroken text where people type it: a reference, a URL in a
    description, a long word in a title."""
    url = "https://www.ashdown.gov.uk/" + "council-and-democracy/" * 6 + "ict.pdf"
    item = business.item
    item.reference = "WP-2023-INFRA-0001"
    item.description = f"See {url} for the business case."
    save_with_reason(item, user=cast.officer, reason="Test set-up")
    report = business.report
    report.title = "Renewal of the " + "Telecommunications" * 3 + " contract"
    save_with_reason(report, user=cast.clerk, reason="Test set-up")


@pytest.mark.crawl
def test_no_page_scrolls_sideways_at_320_css_pixels(visit, cast):
    business = build_business(cast)
    for name, extra in EXTRAS.items():
        if name not in PAPER_EXTRAS and not hasattr(business, name):
            extra(cast, business)
    long_strings(cast, business)
    rows = [
        (row, url_for(row, cast, business))
        for row in MATRIX
        if row.method == "GET"
        and row.name not in NOT_PAGES
        and not row.name.startswith("admin:")
        and not PAPER_EXTRAS & set(row.args)
    ]

    page = visit.page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    started = time.monotonic()
    too_wide = {}
    measured = set()
    visits = 0
    for role in ("anonymous", "officer", "clerk", "member"):
        page.context.clear_cookies()
        if role != "anonymous":
            visit.sign_in(role)
        seen = set()
        kinds = {(row.name, ()) for row, _path in rows}
        queue = [
            path for row, path in rows if expected(row, role, cast, business) == 200
        ]
        if role == "anonymous":
            # Pages the matrix does not list as 200 for anyone signed out.
            queue += ["/sign-in/", "/no-such-page/"]
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            if visit.url(path) in visit.checked:
                # Checked with axe for an earlier role: measured again only
                # (axe takes most of the time).
                page.goto(visit.url(path))
                page.wait_for_load_state("load")
            else:
                visit.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            measured.add(path)
            visits += 1
            if width > WIDTH:
                too_wide[path] = (role, width, page.evaluate(OVERFLOWING))
            for link in page.evaluate(LINKS):
                link, _fragment = urldefrag(link)
                parts = urlsplit(link)
                if not link.startswith(visit.base_url):
                    continue
                found = parts.path + (f"?{parts.query}" if parts.query else "")
                # One page of each kind the crawl finds (one decision's
                # "call in", not every decision's): the matrix names the
                # records built to test.
                kind = (page_name(parts.path), tuple(sorted(parse_qs(parts.query))))
                if kind[0] in NOT_PAGES or kind[0] is None or kind in kinds:
                    continue
                kinds.add(kind)
                queue.append(found)
    elapsed = time.monotonic() - started
    print(f"{visits} visits to {len(measured)} pages in {elapsed:.0f} s")

    assert len(measured) > 80, f"only {len(measured)} pages were measured"
    assert not too_wide, (
        f"{len(too_wide)} of {len(measured)} pages scroll sideways at {WIDTH} px "
        f"({visits} visits in {elapsed:.0f} s):\n"
        + "\n".join(
            f"{path} ({role}): {width} px; " + "; ".join(culprits)
            for path, (role, width, culprits) in sorted(too_wide.items())
        )
    )
