"""The 503 page, as a browser shows it.

The live server cannot lose its database for one test, so the page's own
HTML (from `service_unavailable`, as a request that met the outage gets it)
is served for the document; its stylesheets and scripts come from the live
server as usual.
"""

from django.test import RequestFactory

from governance.errors import service_unavailable
from governance.models import Organisation


def test_the_service_unavailable_page_passes_axe(visit):
    request = RequestFactory().get("/strategies/")
    request.organisation = Organisation(name="Ashdown Borough Council")
    outage = service_unavailable(request)
    visit.page.route(
        visit.url("/strategies/"),
        lambda route: route.fulfill(
            status=outage.status_code,
            headers={
                "Content-Type": outage["Content-Type"],
                "Retry-After": outage["Retry-After"],
            },
            body=outage.content,
        ),
    )
    response = visit.goto("/strategies/")
    assert response.status == 503
    heading = visit.page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Sorry, the service is unavailable"
    assert visit.page.title().endswith("Ashdown Borough Council")
