"""Every page's <title> says which page it is: the pages of the access
matrix, read as a member, an officer and a clerk, have a different title
for each different page, and name the council once."""

import html
import re
from collections import defaultdict

import pytest
from django.db import transaction

from .test_access_matrix import MATRIX, url_for

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
ROLES = ("member", "officer", "clerk")


@pytest.mark.crawl
def test_every_page_has_its_own_title_naming_the_council_once(
    cast, business, client_for
):
    pages = defaultdict(set)
    doubled = []
    rows = [row for row in MATRIX if row.method == "GET"]
    urls = [url_for(row, cast, business) for row in rows]
    for url in dict.fromkeys(urls):
        for role in ROLES:
            with transaction.atomic():
                response = client_for(cast.user(role)).get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get(
                "Content-Type", ""
            ):
                continue
            found = TITLE.search(response.content.decode())
            assert found, f"{url} as {role} has no title"
            title = html.unescape(" ".join(found.group(1).split()))
            pages[title].add(url)
            if title.count(cast.council_a.name) > 1:
                doubled.append(f"{url}: {title}")
    shared = {title: urls for title, urls in pages.items() if len(urls) > 1}
    assert len(pages) > 80
    assert not doubled, "\n".join(doubled)
    assert not shared, "\n".join(f"{t}: {sorted(u)}" for t, u in shared.items())
