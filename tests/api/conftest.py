"""The records the API tests read: council A's business (tests/base.py) with
its strategies published, an approved workplan with a closed review, an
exempt report on the published agenda, and council B's published decision."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from decisions.models import Committee
from governance.choices import Role
from governance.history import save_with_reason
from workplan.models import ProgressUpdate

from ..base import (
    make_decision,
    make_meeting,
    make_person,
    make_report,
    publish,
    put_on_agenda,
)


@dataclass
class World:
    exempt_report: object
    approved_workplan: object
    approved_item: object
    variation_item: object
    closed_review: object
    open_review: object
    other_decision: object


def build_world(cast, business):
    from ..access.test_access_matrix import with_variation

    council = cast.council_a
    council.publishes_strategies = True
    save_with_reason(council, user=None, reason="Test set-up")
    exempt = make_report(
        council,
        "Data centre contract",
        exempt=True,
        exempt_reason="Paragraph 3: financial or business affairs",
    )
    put_on_agenda(business.meeting, exempt, position=2)
    with_variation(cast, business)
    review = business.open_review
    update = ProgressUpdate(
        review=review,
        item=business.approved_item,
        delivery_status="in-progress",
        rag="amber",
        rag_reason="Supplier delay",
        percent_complete=40,
        commentary="Procurement under way.",
        as_at=timezone.localdate(),
        by=cast.officer,
    )
    save_with_reason(update, user=cast.officer, reason="Test set-up")
    review.status = "closed"
    review.closed_at = timezone.now()
    review.reported_on = timezone.localdate()
    review.meeting = business.meeting
    save_with_reason(review, user=cast.officer, reason="Test set-up")
    from ..base import make_review

    open_review = make_review(cast, business.varied_workplan, number=2)
    b_cabinet = Committee.objects.get(organisation=cast.council_b, name="Cabinet")
    b_meeting = make_meeting(
        b_cabinet, timezone.now() - timedelta(days=3), agenda_published=True
    )
    b_clerk = make_person("clerk_b", cast.council_b, Role.CLERK)
    other = publish(make_decision(b_meeting, "Brackley's decision"), b_clerk)
    return World(
        exempt_report=exempt,
        approved_workplan=business.varied_workplan,
        approved_item=business.approved_item,
        variation_item=business.variation_item,
        closed_review=review,
        open_review=open_review,
        other_decision=other,
    )


@pytest.fixture(scope="module")
def api_world(module_business, django_db_blocker):
    """Built once per module, inside `module_business`'s transaction."""
    cast, business = module_business
    with django_db_blocker.unblock():
        return build_world(cast, business)


@pytest.fixture
def world(api_world, cast, business):
    return api_world


@pytest.fixture
def api():
    """A client that sends no session: the public, or a token's owner."""
    return Client()


def token_for(user, council):
    return ApiToken.issue(user, council).token
