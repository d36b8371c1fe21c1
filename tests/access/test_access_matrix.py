"""Every URL, every role: the expected status, in one table.

`test_every_named_url_has_an_access_decision` walks Django's URL resolver,
so a new view without a row here turns the suite red. Each row is requested
for real objects of council A by each role; another council's records
answer 404, never 403 (their existence is not revealed). A refused POST must
change nothing: no row, no history row, no event.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, partial

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from decisions.call_in import LONDON
from governance import policy

from ..base import INVITATION_TOKEN, ROLES, with_version

# --- who gets what --------------------------------------------------------------


def statuses(anonymous=302, *, member, officer, clerk, administrator, other):
    return {
        "anonymous": anonymous,
        "member": member,
        "officer": officer,
        "clerk": clerk,
        "administrator": administrator,
        "other_council": other,
    }


#: Lists and pages about the person's own council: everyone signed in.
EVERYONE = statuses(member=200, officer=200, clerk=200, administrator=200, other=200)
#: A record of council A: its people, not council B's.
COUNCIL_A = statuses(member=200, officer=200, clerk=200, administrator=200, other=404)
#: Committee business of council A, changed by clerks and administrators.
MANAGERS = statuses(member=403, officer=403, clerk=200, administrator=200, other=404)
MANAGERS_POST = {**MANAGERS, "clerk": 302, "administrator": 302}
#: Adding committee business to one's current council (B's officer: 403).
MANAGERS_HERE = {**MANAGERS, "other_council": 403}
MANAGERS_HERE_POST = {**MANAGERS_POST, "other_council": 403}
#: A draft decision: only clerks and administrators know it exists.
DRAFT = statuses(member=404, officer=404, clerk=200, administrator=200, other=404)
DRAFT_POST = {**DRAFT, "clerk": 302, "administrator": 302}
#: A record of council A whose reading hands over to another page.
READERS_REDIRECTED = statuses(
    member=302, officer=302, clerk=302, administrator=302, other=404
)
#: The council's settings: administrators of council A.
ADMINISTRATORS = statuses(
    member=403, officer=403, clerk=403, administrator=200, other=404
)
ADMINISTRATORS_POST = {**ADMINISTRATORS, "administrator": 302}
#: Pages anyone may open, signed in or not (sign-in help, invitation links,
#: the public site).
PUBLIC = {role: 200 for role in ROLES}
#: What nobody may open: on the public site, a record that is not public
#: (a draft, an unpublished agenda, exempt, another council's).
NOBODY = {role: 404 for role in ROLES}
#: The council's lists that officers keep too (departments).
STAFF = statuses(member=403, officer=200, clerk=200, administrator=200, other=404)
STAFF_POST = {**STAFF, "officer": 302, "clerk": 302, "administrator": 302}


class ByPolicy(dict):
    """Expectations derived from `governance.policy`, the one place that
    says who may change a strategy, workplan, item or review and in which
    state: anonymous people are sent to sign in, another council's people
    get 404 (as do members, for a record they may not read); for everyone
    else the policy's verdict on the record the row names (its first
    argument, or the person's own council for "create") decides: `ok` where
    it allows, else its 403 (the role) or 409 (the state)."""

    def __init__(
        self, policy, action, *, ok=200, hidden_from_members=True, ok_for=None
    ):
        super().__init__({role: None for role in ROLES})
        self.policy, self.action, self.ok = policy, action, ok
        self.hidden_from_members = hidden_from_members
        #: What "allowed" looks like for some roles, where it differs (e.g.
        #: the form back, 200, with an error about their council's data).
        self.ok_for = ok_for or {}

    def resolve(self, role, row, cast, business):
        if role == "anonymous":
            return 302
        if self.action == "create":
            record = cast.council_b if role == "other_council" else cast.council_a
        else:
            if role == "other_council" or (
                role == "member" and self.hidden_from_members
            ):
                return 404
            held = getattr(business, row.args[0])
            # As the database has it now (the object the row names may have
            # been built before later steps, e.g. its workplan's approval).
            record = type(held)._default_manager.get(pk=held.pk)
        refusal = self.policy.problem(cast.user(role), self.action, record)
        if refusal is not None:
            return refusal.status
        return self.ok_for.get(role, self.ok)

    def posted(self):
        """The same, for a POST that succeeds with a redirect."""
        return ByPolicy(
            self.policy,
            self.action,
            ok=302,
            hidden_from_members=self.hidden_from_members,
            ok_for=self.ok_for,
        )


#: A draft strategy: its council's officers write it; clerks and administrators
#: read it; members do not know it exists.
DRAFT_STRATEGY_EDIT = ByPolicy(policy.STRATEGY, "edit")
DRAFT_STRATEGY_EDIT_POST = DRAFT_STRATEGY_EDIT.posted()
DRAFT_STRATEGY_READ = statuses(
    member=404, officer=200, clerk=200, administrator=200, other=404
)
#: Acting on an approved strategy: amending it, preparing its replacement.
AMEND_STRATEGY = ByPolicy(policy.STRATEGY, "amend", hidden_from_members=False)
REPLACE_STRATEGY = ByPolicy(
    policy.STRATEGY, "prepare_replacement", hidden_from_members=False
)
#: Starting a strategy or workplan in one's current council (B's in B).
NEW_STRATEGY = ByPolicy(policy.STRATEGY, "create")
NEW_WORKPLAN = ByPolicy(policy.WORKPLAN, "create")
#: A draft workplan's items, the item's own pages, its progress.
EDIT_WORKPLAN = ByPolicy(policy.WORKPLAN, "edit")
EDIT_ITEM = ByPolicy(policy.ITEM, "edit")
VARY_ITEM = ByPolicy(policy.ITEM, "vary")
ITEM_PROGRESS = ByPolicy(policy.ITEM, "update_progress")
REVIEW_UPDATE = ByPolicy(policy.REVIEW, "update")
OFFICER = frozenset({"officer"})
#: Writing reports in one's current council: its officers, clerks and
#: administrators (B's officer in B).
WRITERS_HERE = statuses(
    member=403, officer=200, clerk=200, administrator=200, other=200
)
WRITERS_HERE_POST = {
    **WRITERS_HERE,
    "officer": 302,
    "clerk": 302,
    "administrator": 302,
    "other_council": 302,
}
#: A report not yet on a published agenda: its council's writers change it.
UNSENT_REPORT = statuses(
    member=404, officer=200, clerk=200, administrator=200, other=404
)
UNSENT_REPORT_POST = {
    **UNSENT_REPORT,
    "officer": 302,
    "clerk": 302,
    "administrator": 302,
}


# --- what is posted ----------------------------------------------------------------


def london_now(minutes_ago=0):
    return timezone.localtime(timezone.now() - timedelta(minutes=minutes_ago), LONDON)


def empty_formset(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def meeting_data(cast, business):
    return {
        "committee": business.cabinet.pk,
        "date": "2031-03-12",
        "time": "18:30",
        "venue": "Committee Room 1",
        "status": "scheduled",
    }


def report_data(cast, business):
    return {
        "title": "Cloud hosting",
        "report_of": business.report.report_of_id,
        "contact": business.report.contact_id,
        "purpose": "To agree the move.",
        "wards_affected": "All wards",
        "urgency_route": "",
        "version": business.report.version,
        **empty_formset("recommendations"),
    }


def unsent_report_data(cast, business):
    return {
        **report_data(cast, business),
        "version": business.unpublished_report.version,
    }


def decision_data(cast, business):
    return {
        "meeting": business.meeting.pk,
        "decision_date": str(timezone.localdate() - timedelta(days=2)),
        "title": "A new decision",
        "record": "Cabinet considered the report.",
        "reasons": "Good reasons.",
        "version": business.draft_decision.version,
        **empty_formset("resolutions"),
    }


def call_in_data(cast, business):
    moment = london_now(minutes_ago=30)
    return {
        "called_in_by": "Councillors A and B",
        "called_in_on": str(moment.date()),
        "called_in_time": moment.strftime("%H:%M"),
    }


def rule_data(cast, business):
    return {
        "applies_from": "2031-01-01",
        "days": "5",
        "day_kind": "working",
        "counted_from": "publication",
        "first_day_counts": "on",
        "takes_effect": "next-working-day",
    }


def closure_data(cast, business):
    return {
        "first_day": "2031-12-24",
        "last_day": "2031-12-31",
        "description": "Christmas shutdown",
    }


def bank_holiday_data(cast, business):
    from decisions.models import BankHolidayWorked

    day, _name = BankHolidayWorked.could_be_worked(
        cast.council_a, timezone.localdate()
    )[-1]
    return {"date": day.isoformat()}


def override_data(cast, business):
    later = business.published_decision.call_in_last_day + timedelta(days=3)
    return {
        "last_day": later.isoformat(),
        "cut_off": "4pm",
        "comment": "Published a day late on the website",
    }


def no_data(cast, business):
    return {}


def strategy_data(cast, business):
    return {
        "title": "Cloud first",
        "period_start_year": "2027",
        "period_end_year": "2030",
        "review_months": "6",
        "version": business.draft_strategy.version,
    }


def amendment_data(cast, business):
    strategy = business.approved_strategy
    return {
        "vision": "A corrected vision.",
        "summary": strategy.summary,
        "review_months": "6",
        "version": strategy.version,
        "change_reason": "Typographical correction",
        "authorised_by": cast.administrator.pk,
    }


def replacement_data(cast, business):
    return {"title": "ICT Strategy 2025–2028"}


def theme_data(cast, business):
    return {
        "title": "Secure by design",
        "description": "",
        "corporate_priority": "",
        **empty_formset("objectives"),
    }


def risk_data(cast, business):
    return {
        "risks-TOTAL_FORMS": "1",
        "risks-INITIAL_FORMS": "0",
        "risks-MIN_NUM_FORMS": "0",
        "risks-MAX_NUM_FORMS": "1000",
        "risks-0-description": "Supplier failure",
        "risks-0-likelihood": "low",
        "risks-0-impact": "high",
        "risks-0-review_frequency": "quarterly",
    }


def import_data(cast, business):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = (
        "Reference,Title,Category,Work type\r\n"
        "WP09,Replace the intranet,C,Statutory or immediate obligation\r\n"
    )
    return {"file": SimpleUploadedFile("items.csv", csv.encode(), "text/csv")}


def submit_data(cast, business):
    return {"meeting": business.scrutiny_meeting.pk}


def invite_data(cast, business):
    return {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@example.gov.uk",
        "role": "officer",
        "job_title": "",
    }


def membership_data(cast, business):
    return {"role": "member", "job_title": "", "change_reason": "Access test"}


def committee_data(cast, business):
    return {
        "name": "Cabinet",
        "kind": "executive",
        "change_reason": "Access test",
        **empty_formset("members"),
    }


def new_committee_data(cast, business):
    return {
        "name": "Finance Committee",
        "kind": "decision-making",
        **empty_formset("members"),
        "members-TOTAL_FORMS": "1",
        "members-0-name": "Councillor A. Chair",
        "members-0-role": "chair",
    }


def post_data(cast, business):
    return {
        "kind": "cabinet-portfolio",
        "name": "Cabinet Member for Digital",
        "holder_name": "Councillor Ada Lovelace",
        "holder": "",
        "contact": "",
    }


def department_data(cast, business):
    return {"name": "Revenues", "change_reason": "Access test"}


# --- the table ---------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: dict
    #: URL arguments: "slug" (council A), an attribute of `Business`, or a literal.
    args: tuple = ()
    data: object = None
    #: Changes are expected for these roles (everything else must change nothing).
    changes_for: frozenset = field(default=frozenset())
    #: (cast, business) -> a text not yet approved or published: absent from
    #: what a member gets, present in what the council's staff get.
    withheld: object = None


CHANGERS = frozenset({"clerk", "administrator"})

#: The open data API: the public's records, the same for every role (the
#: API reads tokens, not the site's session: tests/api/ covers tokens);
#: anything not public is not found, whoever asks. Council A does not
#: publish its strategies here, so even its approved one is not found.
API_ROWS = [
    Row("api:schema", "GET", PUBLIC),
    Row("api:data_dictionary", "GET", PUBLIC),
    Row("api:council-list", "GET", PUBLIC),
    Row("api:council-detail", "GET", PUBLIC, ("slug",)),
    *(
        Row(f"api:{name}", "GET", PUBLIC, ("slug",))
        for name in (
            "decision-list",
            "meeting-list",
            "report-list",
            "committee-list",
            "forward-plan",
            "strategy-list",
            "theme-list",
            "workplan-list",
            "review-list",
        )
    ),
    Row("api:decision-detail", "GET", PUBLIC, ("slug", "published_decision")),
    Row("api:decision-detail", "GET", NOBODY, ("slug", "draft_decision")),
    Row("api:meeting-detail", "GET", PUBLIC, ("slug", "meeting")),
    Row("api:meeting-detail", "GET", NOBODY, ("slug", "later_meeting")),
    Row("api:report-detail", "GET", PUBLIC, ("slug", "report")),
    Row("api:report-detail", "GET", NOBODY, ("slug", "unpublished_report")),
    Row("api:committee-detail", "GET", PUBLIC, ("slug", "cabinet")),
    Row("api:committee-detail", "GET", NOBODY, ("slug", "other_committee")),
    Row("api:strategy-detail", "GET", NOBODY, ("slug", "approved_strategy")),
    Row("api:theme-detail", "GET", NOBODY, ("slug", "theme")),
    Row("api:workplan-detail", "GET", NOBODY, ("slug", "workplan")),
    Row("api:workplan-items", "GET", NOBODY, ("slug", "workplan")),
    Row("api:item-detail", "GET", NOBODY, ("slug", "item")),
    Row("api:review-detail", "GET", NOBODY, ("slug", "review")),
    Row("api:report-detail", "GET", NOBODY, ("slug", "exempt_report")),
    # Once the council publishes its strategies (public18's `public_strategy`).
    Row("api:strategy-detail", "GET", PUBLIC, ("slug", "public_strategy")),
    Row("api:workplan-detail", "GET", PUBLIC, ("slug", "public_workplan")),
    Row("api:workplan-items", "GET", PUBLIC, ("slug", "public_workplan")),
    Row("api:review-detail", "GET", PUBLIC, ("slug", "public_review")),
    # A personal API token: made (or made anew) by whoever is signed in.
    Row(
        "api_token",
        "POST",
        {r: 302 for r in ROLES},
        data=lambda cast, business: {"action": "new"},
        changes_for=frozenset(set(ROLES) - {"anonymous"}),
    ),
]

MATRIX = [
    Row("governance:home", "GET", EVERYONE),
    Row("governance:choose_organisation", "GET", EVERYONE),
    # Choosing council A: accepted (302) for its people; B's officer gets the
    # form back with an error.
    Row(
        "governance:choose_organisation",
        "POST",
        {
            **EVERYONE,
            "member": 302,
            "officer": 302,
            "clerk": 302,
            "administrator": 302,
            "other_council": 200,
        },
        data=lambda cast, business: {"organisation": cast.council_a.pk},
    ),
    Row("governance:organisation_detail", "GET", COUNCIL_A, ("slug",)),
    Row("governance:organisation_settings", "GET", ADMINISTRATORS, ("slug",)),
    Row(
        "governance:organisation_settings",
        "POST",
        ADMINISTRATORS_POST,
        ("slug",),
        lambda cast, business: {
            "bank_holiday_region": "scotland",
            "nation": "scotland",
            "decisions_subject_to_call_in": "on",
            "takes_effect_without_call_in": "publication",
            "default_publication_time": "9am",
            "democratic_settings_managed_by": "clerks-and-administrators",
            "change_reason": "Access test",
        },
        frozenset({"administrator"}),
    ),
    # The council's people: its administrators only.
    Row("governance:people", "GET", ADMINISTRATORS, ("slug",)),
    Row("governance:person_invite", "GET", ADMINISTRATORS, ("slug",)),
    Row(
        "governance:person_invite",
        "POST",
        ADMINISTRATORS_POST,
        ("slug",),
        invite_data,
        frozenset({"administrator"}),
    ),
    Row("governance:membership_update", "GET", ADMINISTRATORS, ("slug", "membership")),
    Row(
        "governance:membership_update",
        "POST",
        ADMINISTRATORS_POST,
        ("slug", "membership"),
        membership_data,
        frozenset({"administrator"}),
    ),
    Row("governance:membership_end", "GET", ADMINISTRATORS, ("slug", "membership")),
    Row(
        "governance:membership_end",
        "POST",
        ADMINISTRATORS_POST,
        ("slug", "membership"),
        lambda cast, business: {"reason": "Access test"},
        frozenset({"administrator"}),
    ),
    Row(
        "governance:membership_password_reset",
        "GET",
        ADMINISTRATORS,
        ("slug", "membership"),
    ),
    # Sends an e-mail; changes no row.
    Row(
        "governance:membership_password_reset",
        "POST",
        ADMINISTRATORS_POST,
        ("slug", "membership"),
        no_data,
    ),
    Row(
        "governance:membership_second_factor_reset",
        "GET",
        ADMINISTRATORS,
        ("slug", "membership"),
    ),
    # Removes the officer's devices (none here) and writes a history row.
    Row(
        "governance:membership_second_factor_reset",
        "POST",
        ADMINISTRATORS_POST,
        ("slug", "membership"),
        lambda cast, business: {"reason": "Phone lost"},
        frozenset({"administrator"}),
    ),
    Row(
        "governance:invitation_cancel",
        "GET",
        ADMINISTRATORS,
        ("slug", "invitation"),
    ),
    Row(
        "governance:invitation_cancel",
        "POST",
        ADMINISTRATORS_POST,
        ("slug", "invitation"),
        no_data,
        frozenset({"administrator"}),
    ),
    # The invitation's own link: whoever holds it (see test_people.py).
    Row("governance:invitation_accept", "GET", PUBLIC, (INVITATION_TOKEN,)),
    Row("governance:invitation_accept", "GET", {r: 404 for r in ROLES}, ("forged",)),
    # Committees: everyone in the council reads them; clerks and
    # administrators change them; departments: staff.
    Row("decisions:committee_list", "GET", COUNCIL_A, ("slug",)),
    Row("decisions:committee_detail", "GET", COUNCIL_A, ("slug", "cabinet")),
    Row("decisions:committee_create", "GET", MANAGERS, ("slug",)),
    Row(
        "decisions:committee_create",
        "POST",
        MANAGERS_POST,
        ("slug",),
        new_committee_data,
        CHANGERS,
    ),
    Row("decisions:committee_update", "GET", MANAGERS, ("slug", "cabinet")),
    Row(
        "decisions:committee_update",
        "POST",
        MANAGERS_POST,
        ("slug", "cabinet"),
        committee_data,
        CHANGERS,
    ),
    # Posts and the report template: clerks and administrators.
    Row("governance:posts", "GET", MANAGERS, ("slug",)),
    Row("governance:post_create", "GET", MANAGERS, ("slug",)),
    Row(
        "governance:post_create",
        "POST",
        MANAGERS_POST,
        ("slug",),
        post_data,
        CHANGERS,
    ),
    Row("governance:post_update", "GET", MANAGERS, ("slug", "post")),
    Row(
        "governance:post_update",
        "POST",
        MANAGERS_POST,
        ("slug", "post"),
        lambda cast, business: {
            **post_data(cast, business),
            "in_use": "on",
            "change_reason": "Access test",
        },
        CHANGERS,
    ),
    Row("decisions:report_template", "GET", MANAGERS, ("slug",)),
    Row("decisions:report_template_settings", "GET", MANAGERS, ("slug",)),
    Row(
        "decisions:report_template_settings",
        "POST",
        MANAGERS_POST,
        ("slug",),
        lambda cast, business: {"unfilled_implications": "omit"},
        CHANGERS,
    ),
    Row("decisions:report_heading_create", "GET", MANAGERS, ("slug",)),
    Row(
        "decisions:report_heading_create",
        "POST",
        MANAGERS_POST,
        ("slug",),
        lambda cast, business: {"kind": "section", "name": "Abbreviations"},
        CHANGERS,
    ),
    Row("decisions:report_heading_update", "GET", MANAGERS, ("slug", "heading")),
    Row(
        "decisions:report_heading_update",
        "POST",
        MANAGERS_POST,
        ("slug", "heading"),
        lambda cast, business: {
            "kind": "implication",
            "name": "Resources",
            "change_reason": "Access test",
        },
        CHANGERS,
    ),
    Row(
        "decisions:report_heading_move",
        "POST",
        MANAGERS_POST,
        ("slug", "heading"),
        lambda cast, business: {"direction": "down"},
        CHANGERS,
    ),
    Row(
        "decisions:report_heading_move",
        "GET",
        {**MANAGERS, "clerk": 405, "administrator": 405},
        ("slug", "heading"),
    ),
    Row("workplan:department_create", "GET", STAFF, ("slug",)),
    Row(
        "workplan:department_create",
        "POST",
        STAFF_POST,
        ("slug",),
        lambda cast, business: {"name": "Planning"},
        frozenset({"officer", "clerk", "administrator"}),
    ),
    Row("workplan:department_update", "GET", STAFF, ("slug", "department")),
    Row(
        "workplan:department_update",
        "POST",
        STAFF_POST,
        ("slug", "department"),
        department_data,
        frozenset({"officer", "clerk", "administrator"}),
    ),
    Row("login", "GET", {**{r: 302 for r in ROLES}, "anonymous": 200}),
    # Forgotten passwords: open to anyone; asking sends mail, changes no row.
    Row("password_reset", "GET", PUBLIC),
    Row(
        "password_reset",
        "POST",
        {r: 302 for r in ROLES},
        data=lambda cast, business: {"email": "officer@example.gov.uk"},
    ),
    Row("password_reset_done", "GET", PUBLIC),
    # A forged link: the "this link does not work" page.
    Row("password_reset_confirm", "GET", PUBLIC, ("MQ", "forged-token")),
    Row("password_reset_complete", "GET", PUBLIC),
    Row("logout", "POST", {**{r: 200 for r in ROLES}, "anonymous": 302}, data=no_data),
    Row("logout", "GET", {**{r: 405 for r in ROLES}, "anonymous": 302}),
    # The second factor. Every signed-in role here has passed it (or has
    # none), so the code page sends them on without checking anything; the
    # pages for someone still owing it are tested in test_second_factor.py.
    Row("sign_in_code", "GET", {r: 302 for r in ROLES}),
    Row(
        "sign_in_code",
        "POST",
        {r: 302 for r in ROLES},
        data=lambda cast, business: {"code": "123456"},
    ),
    Row("account_security", "GET", EVERYONE),
    Row("second_factor_set_up", "GET", EVERYONE),
    # A code that is not the new app's: the form again, nothing set up.
    Row(
        "second_factor_set_up",
        "POST",
        EVERYONE,
        data=lambda cast, business: {"code": "not-a-code"},
    ),
    # No new recovery codes to show: on to the account page.
    Row("recovery_codes", "GET", {r: 302 for r in ROLES}),
    # New recovery codes for those with an app; a message for the others.
    Row("recovery_codes", "POST", {r: 302 for r in ROLES}, data=no_data),
    # Private feed addresses: made (or made anew) by whoever is signed in,
    # for the council they work in.
    Row(
        "feed_addresses",
        "POST",
        {**{r: 302 for r in ROLES}},
        data=no_data,
        changes_for=frozenset(set(ROLES) - {"anonymous"}),
    ),
    # Notifications: what the person follows in the council they work in.
    Row("notifications", "GET", EVERYONE),
    Row("notifications", "POST", {r: 302 for r in ROLES}, data=no_data),
    # Following a record its reader may see: council A's people; another
    # council's (and a member, for a draft) do not know it exists.
    Row(
        "follow",
        "POST",
        statuses(member=302, officer=302, clerk=302, administrator=302, other=404),
        data=lambda cast, business: {
            "record": f"strategy-{business.approved_strategy.pk}"
        },
        changes_for=frozenset({"member", "officer", "clerk", "administrator"}),
    ),
    Row(
        "follow",
        "POST",
        statuses(member=404, officer=302, clerk=302, administrator=302, other=404),
        data=lambda cast, business: {"record": f"item-{business.item.pk}"},
        changes_for=frozenset({"officer", "clerk", "administrator"}),
    ),
    # An unsubscribe link works without signing in; an altered one is not
    # found (real links: tests/notifications/).
    Row("unsubscribe", "GET", {r: 404 for r in ROLES}, ("f-0123.0123456789abcdef",)),
    Row(
        "unsubscribe",
        "POST",
        {r: 404 for r in ROLES},
        ("f-0123.0123456789abcdef",),
        data=no_data,
    ),
    # A key that matches nothing is not found, signed in or not (a real key
    # is tested in tests/decisions/test_personal_feeds.py).
    Row(
        "decisions:personal_calendar",
        "GET",
        {r: 404 for r in ROLES},
        ("0123456789abcdef0123456789abcdef-0123456789abcdef0123456789abcdef",),
    ),
    Row(
        "decisions:personal_decision_feed",
        "GET",
        {r: 404 for r in ROLES},
        ("0123456789abcdef0123456789abcdef-0123456789abcdef0123456789abcdef",),
    ),
    Row("healthz", "GET", {r: 200 for r in ROLES}),
    # The Django admin is for superusers (operators) only: every council
    # role is refused outright (see test_admin_access.py).
    Row("admin:index", "GET", {**{r: 403 for r in ROLES}, "anonymous": 302}),
    # Meetings
    Row("decisions:meeting_list", "GET", EVERYONE),
    Row("decisions:meeting_calendar", "GET", EVERYONE),
    Row("decisions:meeting_create", "GET", MANAGERS_HERE),
    Row(
        "decisions:meeting_create",
        "POST",
        MANAGERS_HERE_POST,
        data=meeting_data,
        changes_for=CHANGERS,
    ),
    Row("decisions:meeting_detail", "GET", COUNCIL_A, ("meeting",)),
    # A meeting whose agenda is not published: members see the meeting, not
    # what is on it.
    Row(
        "decisions:meeting_detail",
        "GET",
        COUNCIL_A,
        ("later_meeting",),
        withheld=lambda cast, business: business.unpublished_report.title,
    ),
    Row("decisions:meeting_update", "GET", MANAGERS, ("meeting",)),
    Row(
        "decisions:meeting_update",
        "POST",
        MANAGERS_POST,
        ("meeting",),
        meeting_data,
        CHANGERS,
    ),
    Row("decisions:agenda_update", "GET", MANAGERS, ("meeting",)),
    Row(
        "decisions:agenda_update",
        "POST",
        MANAGERS_POST,
        ("meeting",),
        lambda cast, business: empty_formset("agenda_items"),
    ),
    # Reports: members read those on published agendas only.
    Row("decisions:report_detail", "GET", COUNCIL_A, ("report",)),
    Row(
        "decisions:report_detail",
        "GET",
        {**COUNCIL_A, "member": 404},
        ("unpublished_report",),
    ),
    Row("decisions:report_list", "GET", EVERYONE),
    # Officers write reports too.
    Row("decisions:report_create", "GET", WRITERS_HERE),
    # B's officer writes in B, where council A's posts are not offered: the
    # form comes back (200) and nothing is saved.
    Row(
        "decisions:report_create",
        "POST",
        {**WRITERS_HERE_POST, "other_council": 200},
        data=report_data,
        changes_for=frozenset({"officer", "clerk", "administrator"}),
    ),
    # Once its agenda is published, clerks and administrators own it.
    Row("decisions:report_update", "GET", MANAGERS, ("report",)),
    Row(
        "decisions:report_update",
        "POST",
        MANAGERS_POST,
        ("report",),
        report_data,
        CHANGERS,
    ),
    Row("decisions:report_update", "GET", UNSENT_REPORT, ("unpublished_report",)),
    Row(
        "decisions:report_update",
        "POST",
        UNSENT_REPORT_POST,
        ("unpublished_report",),
        unsent_report_data,
        frozenset({"officer", "clerk", "administrator"}),
    ),
    # "Record the decision": a report on a held meeting's agenda (the
    # meeting two days ago); one whose meeting is to come is refused (409).
    Row("decisions:decision_from_report", "GET", MANAGERS, ("report",)),
    Row(
        "decisions:decision_from_report",
        "POST",
        MANAGERS_POST,
        ("report",),
        decision_data,
        CHANGERS,
    ),
    Row(
        "decisions:decision_from_report",
        "GET",
        statuses(member=404, officer=403, clerk=409, administrator=409, other=404),
        ("unpublished_report",),
    ),
    # Decision records: drafts are the clerks' and administrators' only.
    Row("decisions:decision_list", "GET", EVERYONE),
    Row("decisions:decision_feed", "GET", EVERYONE),
    Row("decisions:forward_plan", "GET", EVERYONE),
    Row("decisions:decision_create", "GET", MANAGERS_HERE),
    Row(
        "decisions:decision_create",
        "POST",
        MANAGERS_HERE_POST,
        data=decision_data,
        changes_for=CHANGERS,
    ),
    Row("decisions:decision_detail", "GET", COUNCIL_A, ("published_decision",)),
    Row("decisions:decision_detail", "GET", DRAFT, ("draft_decision",)),
    # Papers obey the same rules as their pages.
    Row("decisions:decision_paper", "GET", COUNCIL_A, ("published_decision",)),
    Row("decisions:decision_paper", "GET", DRAFT, ("draft_decision",)),
    # Committee reports as papers: as the report's page.
    Row("decisions:report_paper", "GET", COUNCIL_A, ("report",)),
    Row(
        "decisions:report_paper",
        "GET",
        {**COUNCIL_A, "member": 404},
        ("unpublished_report",),
    ),
    # Agenda packs render in the background: the request hands over to the
    # job's page (the test settings run the job at once). Members only once
    # the agenda is published.
    Row("decisions:meeting_pack", "GET", READERS_REDIRECTED, ("meeting",)),
    Row(
        "decisions:meeting_pack",
        "GET",
        {**READERS_REDIRECTED, "member": 404},
        ("later_meeting",),
    ),
    # The public's version of the pack (without exempt information): the
    # same readers, its own stored paper.
    Row("decisions:meeting_public_pack", "GET", READERS_REDIRECTED, ("meeting",)),
    Row(
        "decisions:meeting_public_pack",
        "GET",
        {**READERS_REDIRECTED, "member": 404},
        ("later_meeting",),
    ),
    # Exempt information: its review (release, or keep with a new review
    # date) and the council's register are for clerks and administrators.
    # (The exempt report is on no published agenda: members cannot see it.)
    Row(
        "decisions:report_exempt_review",
        "GET",
        {**MANAGERS, "member": 404},
        ("withheld_report",),
    ),
    Row(
        "decisions:report_exempt_review",
        "POST",
        {**MANAGERS_POST, "member": 404},
        ("withheld_report",),
        lambda cast, business: {"outcome": "release"},
        CHANGERS,
    ),
    Row("decisions:decision_exempt_review", "GET", MANAGERS, ("exempt_decision",)),
    Row(
        "decisions:decision_exempt_review",
        "POST",
        MANAGERS_POST,
        ("exempt_decision",),
        lambda cast, business: {
            "outcome": "keep",
            "review_on-day": "1",
            "review_on-month": "1",
            "review_on-year": "2040",
            "reason": "Negotiations continue",
        },
        CHANGERS,
    ),
    # Not exempt: nothing to review (404 for everyone who may see it).
    Row(
        "decisions:report_exempt_review",
        "GET",
        statuses(member=404, officer=404, clerk=404, administrator=404, other=404),
        ("report",),
    ),
    Row("decisions:exempt_register", "GET", MANAGERS, ("slug",)),
    # Papers as sent for a meeting: whoever may read its agenda pack (members
    # once it is published, not while it is withdrawn); rendered beforehand.
    Row("decisions:considered_paper", "GET", COUNCIL_A, ("sent_pack",)),
    Row("decisions:considered_paper", "GET", COUNCIL_A, ("sent_report",)),
    Row(
        "decisions:considered_paper",
        "GET",
        {**COUNCIL_A, "member": 404},
        ("withdrawn_report",),
    ),
    # Workplan papers: as the workplan's and the review's pages (the test
    # workplan is a draft: members do not know it exists).
    Row("workplan:workplan_paper", "GET", DRAFT_STRATEGY_READ, ("workplan",)),
    # Strategy papers: a draft's as its page; an approved one's for everyone.
    Row("strategy:strategy_paper", "GET", DRAFT_STRATEGY_READ, ("draft_strategy",)),
    Row("strategy:strategy_paper", "GET", COUNCIL_A, ("approved_strategy",)),
    Row(
        "strategy:strategy_on_a_page_paper",
        "GET",
        DRAFT_STRATEGY_READ,
        ("draft_strategy",),
    ),
    Row(
        "strategy:strategy_on_a_page_paper",
        "GET",
        COUNCIL_A,
        ("approved_strategy",),
    ),
    Row("workplan:review_paper", "GET", DRAFT_STRATEGY_READ, ("review",)),
    Row("governance:paper_job", "GET", COUNCIL_A, ("paper_job",)),
    Row(
        "governance:paper_job",
        "GET",
        {**COUNCIL_A, "member": 404},
        ("draft_paper_job",),
    ),
    Row(
        "governance:paper_job",
        "POST",
        READERS_REDIRECTED,
        ("paper_job",),
        data=no_data,
        changes_for=frozenset({"member", "officer", "clerk", "administrator"}),
    ),
    Row("decisions:decision_update", "GET", DRAFT, ("draft_decision",)),
    Row(
        "decisions:decision_update",
        "POST",
        DRAFT_POST,
        ("draft_decision",),
        decision_data,
        CHANGERS,
    ),
    Row(
        "decisions:decision_transition",
        "GET",
        DRAFT,
        ("draft_decision", "publish"),
    ),
    Row(
        "decisions:decision_transition",
        "POST",
        DRAFT_POST,
        ("draft_decision", "publish"),
        no_data,
        CHANGERS,
    ),
    Row(
        "decisions:decision_transition",
        "GET",
        MANAGERS,
        ("published_decision", "call_in"),
    ),
    Row(
        "decisions:decision_transition",
        "POST",
        MANAGERS_POST,
        ("published_decision", "call_in"),
        call_in_data,
        CHANGERS,
    ),
    Row(
        "decisions:decision_transition",
        "GET",
        MANAGERS,
        ("published_decision", "override_deadline"),
    ),
    Row(
        "decisions:decision_transition",
        "POST",
        MANAGERS_POST,
        ("published_decision", "override_deadline"),
        override_data,
        CHANGERS,
    ),
    # Strategies
    Row("strategy:strategy_list", "GET", EVERYONE),
    Row("strategy:strategy_create", "GET", NEW_STRATEGY),
    Row(
        "strategy:strategy_create",
        "POST",
        NEW_STRATEGY.posted(),
        data=strategy_data,
        changes_for=frozenset({"officer", "other_council"}),
    ),
    Row("strategy:strategy_detail", "GET", DRAFT_STRATEGY_READ, ("draft_strategy",)),
    Row("strategy:strategy_detail", "GET", COUNCIL_A, ("approved_strategy",)),
    Row("strategy:strategy_history", "GET", DRAFT_STRATEGY_READ, ("draft_strategy",)),
    Row("strategy:strategy_history", "GET", COUNCIL_A, ("approved_strategy",)),
    Row("strategy:strategy_as_approved", "GET", COUNCIL_A, ("approved_strategy",)),
    Row("strategy:strategy_versions", "GET", DRAFT_STRATEGY_READ, ("draft_strategy",)),
    Row("strategy:strategy_versions", "GET", COUNCIL_A, ("approved_strategy",)),
    Row("strategy:strategy_update", "GET", DRAFT_STRATEGY_EDIT, ("draft_strategy",)),
    Row(
        "strategy:strategy_update",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy",),
        strategy_data,
        OFFICER,
    ),
    Row("strategy:strategy_amend", "GET", AMEND_STRATEGY, ("approved_strategy",)),
    Row(
        "strategy:strategy_amend",
        "POST",
        AMEND_STRATEGY.posted(),
        ("approved_strategy",),
        amendment_data,
        OFFICER,
    ),
    Row(
        "strategy:strategy_replace",
        "GET",
        REPLACE_STRATEGY,
        ("approved_strategy",),
    ),
    Row(
        "strategy:strategy_replace",
        "POST",
        REPLACE_STRATEGY.posted(),
        ("approved_strategy",),
        replacement_data,
        OFFICER,
    ),
    Row("strategy:risks_update", "GET", DRAFT_STRATEGY_EDIT, ("draft_strategy",)),
    Row(
        "strategy:risks_update",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy",),
        risk_data,
        OFFICER,
    ),
    Row("strategy:theme_create", "GET", DRAFT_STRATEGY_EDIT, ("draft_strategy",)),
    Row(
        "strategy:theme_create",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy",),
        theme_data,
        OFFICER,
    ),
    Row(
        "strategy:theme_update",
        "GET",
        DRAFT_STRATEGY_EDIT,
        ("draft_strategy", "theme"),
    ),
    Row(
        "strategy:theme_update",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy", "theme"),
        theme_data,
        OFFICER,
    ),
    # Moving the only theme down is refused with a message (302, no change).
    Row(
        "strategy:theme_move",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy", "theme"),
        lambda cast, business: {"direction": "down"},
    ),
    Row(
        "strategy:theme_move",
        "GET",
        ByPolicy(policy.STRATEGY, "edit", ok=405),
        ("draft_strategy", "theme"),
    ),
    Row(
        "strategy:theme_remove",
        "GET",
        DRAFT_STRATEGY_EDIT,
        ("draft_strategy", "theme"),
    ),
    Row(
        "strategy:theme_remove",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy", "theme"),
        no_data,
        OFFICER,
    ),
    Row(
        "strategy:objective_create",
        "GET",
        DRAFT_STRATEGY_EDIT,
        ("draft_strategy", "theme"),
    ),
    Row(
        "strategy:objective_create",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy", "theme"),
        lambda cast, business: {"text": "Publish open data."},
        OFFICER,
    ),
    Row(
        "strategy:objective_move",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy", "theme", "objective"),
        lambda cast, business: {"direction": "up"},
    ),
    Row(
        "strategy:objective_remove",
        "GET",
        DRAFT_STRATEGY_EDIT,
        ("draft_strategy", "theme", "objective"),
    ),
    Row(
        "strategy:objective_remove",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("draft_strategy", "theme", "objective"),
        no_data,
        OFFICER,
    ),
    Row(
        "strategy:strategy_transition",
        "GET",
        ByPolicy(policy.STRATEGY, "submit"),
        ("draft_strategy", "submit"),
    ),
    Row(
        "strategy:strategy_transition",
        "POST",
        ByPolicy(policy.STRATEGY, "submit", ok=302),
        ("draft_strategy", "submit"),
        submit_data,
        OFFICER,
    ),
    # Workplans
    Row("workplan:workplan_list", "GET", EVERYONE),
    # Search: everyone signed in searches their own council's records (what
    # each role finds is tests/search/test_search.py's).
    Row("search:search", "GET", EVERYONE),
    Row("workplan:workplan_create", "GET", NEW_WORKPLAN),
    # Council B has no strategy, so B's officer gets the form back (200).
    Row(
        "workplan:workplan_create",
        "POST",
        ByPolicy(policy.WORKPLAN, "create", ok=302, ok_for={"other_council": 200}),
        data=lambda cast, business: {
            "strategy": business.approved_strategy.pk,
            "financial_year": "2024",
            "review_months": "6",
        },
        changes_for=OFFICER,
    ),
    Row("workplan:workplan_detail", "GET", DRAFT_STRATEGY_READ, ("workplan",)),
    Row("workplan:workplan_history", "GET", DRAFT_STRATEGY_READ, ("workplan",)),
    Row("workplan:workplan_export_csv", "GET", DRAFT_STRATEGY_READ, ("workplan",)),
    Row("workplan:workplan_export_xlsx", "GET", DRAFT_STRATEGY_READ, ("workplan",)),
    Row(
        "workplan:workplan_transition",
        "GET",
        ByPolicy(policy.WORKPLAN, "submit"),
        ("workplan", "submit"),
    ),
    Row(
        "workplan:workplan_transition",
        "POST",
        ByPolicy(policy.WORKPLAN, "submit", ok=302),
        ("workplan", "submit"),
        submit_data,
        OFFICER,
    ),
    # Removal is a variation of an approved plan: the cast's plan is a draft.
    Row(
        "workplan:item_remove",
        "GET",
        VARY_ITEM,
        ("item",),
    ),
    Row(
        "workplan:item_remove",
        "POST",
        VARY_ITEM.posted(),
        ("item",),
        lambda cast, business: {
            "variation_reason": "x",
            "agreed_with": "y",
            "agreed_on": str(timezone.localdate()),
        },
    ),
    Row("workplan:milestones_update", "GET", ITEM_PROGRESS, ("item",)),
    Row(
        "workplan:milestones_update",
        "POST",
        ITEM_PROGRESS.posted(),
        ("item",),
        lambda cast, business: {
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-MIN_NUM_FORMS": "0",
            "milestones-MAX_NUM_FORMS": "1000",
            "milestones-0-title": "Contract signed",
            "milestones-0-due": "2023-06-30",
        },
        OFFICER,
    ),
    Row("workplan:review_detail", "GET", DRAFT_STRATEGY_READ, ("review",)),
    Row("workplan:progress_update", "GET", REVIEW_UPDATE, ("review", "item")),
    Row(
        "workplan:progress_update",
        "POST",
        REVIEW_UPDATE.posted(),
        ("review", "item"),
        lambda cast, business: {
            "delivery_status": "in-progress",
            "rag": "green",
            "percent_complete": "50",
            "commentary": "On track.",
        },
        OFFICER,
    ),
    Row("workplan:import", "GET", EDIT_WORKPLAN, ("workplan",)),
    # Uploading keeps the file's cells for the officer's next steps; no item
    # is made until the check page is confirmed. The kept upload is its
    # uploader's: another editor's token is not found (404).
    Row(
        "workplan:import",
        "POST",
        EDIT_WORKPLAN.posted(),
        ("workplan",),
        import_data,
        OFFICER,
    ),
    Row("workplan:import_columns", "GET", EDIT_WORKPLAN, ("workplan", "import_upload")),
    Row(
        "workplan:import_columns",
        "POST",
        EDIT_WORKPLAN.posted(),
        ("workplan", "import_upload"),
        lambda cast, business: {
            "column-0": "reference",
            "column-1": "title",
            "column-2": "category",
            "column-3": "note",
            "remember": "on",
        },
        OFFICER,
    ),
    Row("workplan:import_values", "GET", EDIT_WORKPLAN, ("workplan", "import_upload")),
    Row(
        "workplan:import_values",
        "POST",
        EDIT_WORKPLAN.posted(),
        ("workplan", "import_upload"),
        # Keeps the officer's readings on the upload: no row is added.
        lambda cast, business: {},
    ),
    Row("workplan:import_check", "GET", EDIT_WORKPLAN, ("workplan", "import_upload")),
    Row(
        "workplan:import_check",
        "POST",
        EDIT_WORKPLAN.posted(),
        ("workplan", "import_upload"),
        lambda cast, business: {"submission_token": str(uuid.uuid4())},
        OFFICER,
    ),
    Row("workplan:import_template_csv", "GET", DRAFT_STRATEGY_READ, ("workplan",)),
    Row("workplan:import_template_xlsx", "GET", DRAFT_STRATEGY_READ, ("workplan",)),
    Row("workplan:item_create", "GET", EDIT_WORKPLAN, ("workplan",)),
    Row(
        "workplan:item_create",
        "POST",
        EDIT_WORKPLAN.posted(),
        ("workplan",),
        lambda cast, business: {
            "reference": "WP02",
            "title": "Replace the firewall",
            "category": "C",
            "work_type": "urgent",
            "delivery_status": "not-started",
            "percent_complete": "0",
        },
        OFFICER,
    ),
    # A draft workplan's title, year and review period: its officers.
    Row("workplan:workplan_update", "GET", DRAFT_STRATEGY_EDIT, ("workplan",)),
    Row(
        "workplan:workplan_update",
        "POST",
        DRAFT_STRATEGY_EDIT_POST,
        ("workplan",),
        lambda cast, business: {
            "title": "Annual ICT Workplan 2023–2024",
            "financial_year": "2023",
            "review_months": "6",
            "version": business.workplan.version,
        },
        OFFICER,
    ),
    Row("workplan:item_detail", "GET", DRAFT_STRATEGY_READ, ("item",)),
    Row("workplan:item_history", "GET", DRAFT_STRATEGY_READ, ("item",)),
    Row("workplan:item_update", "GET", EDIT_ITEM, ("item",)),
    Row(
        "workplan:item_update",
        "POST",
        EDIT_ITEM.posted(),
        ("item",),
        lambda cast, business: {
            "reference": "WP01",
            "title": "Renamed",
            "category": "ED",
            "work_type": "statutory",
            "delivery_status": "in-progress",
            "percent_complete": "10",
            "version": business.item.version,
        },
        OFFICER,
    ),
    # With the workplan's review open, the item's progress page sends its
    # officer to the review's update for the item (the one that counts).
    Row(
        "workplan:item_progress",
        "GET",
        ByPolicy(policy.ITEM, "update_progress", ok_for={"officer": 302}),
        ("item",),
    ),
    Row(
        "workplan:item_progress",
        "POST",
        ITEM_PROGRESS.posted(),
        ("item",),
        lambda cast, business: {
            "delivery_status": "in-progress",
            "rag": "amber",
            "percent_complete": "40",
            "version": business.item.version,
        },
        OFFICER,
    ),
    # The only item cannot move: a message, no change.
    Row(
        "workplan:item_move",
        "POST",
        EDIT_ITEM.posted(),
        ("item",),
        lambda cast, business: {"direction": "up"},
    ),
    # An item of a draft plan is approved with its plan, not on its own;
    # there is no step of sending an item to scrutiny.
    Row(
        "workplan:item_transition",
        "GET",
        statuses(member=404, officer=403, clerk=409, administrator=403, other=404),
        ("item", "agree_variation_by_decision"),
    ),
    Row(
        "workplan:item_transition",
        "POST",
        statuses(member=404, officer=403, clerk=409, administrator=403, other=404),
        ("item", "agree_variation_by_decision"),
        lambda cast, business: {"decision": business.published_decision.pk},
    ),
    Row(
        "workplan:item_transition",
        "POST",
        statuses(member=404, officer=404, clerk=404, administrator=404, other=404),
        ("item", "submit"),
        submit_data,
    ),
    # An approved plan with an item added by variation, awaiting agreement:
    # the item is not there for members (404), nor in the plan's page or
    # export; the officer holds the power to agree variations.
    Row("workplan:item_detail", "GET", DRAFT_STRATEGY_READ, ("variation_item",)),
    Row("workplan:item_detail", "GET", COUNCIL_A, ("approved_item",)),
    Row("workplan:item_history", "GET", DRAFT_STRATEGY_READ, ("variation_item",)),
    Row("workplan:item_history", "GET", COUNCIL_A, ("approved_item",)),
    # The approved plan's history: a member is not shown the item awaiting
    # agreement (nor its title), as on its page.
    Row(
        "workplan:workplan_history",
        "GET",
        COUNCIL_A,
        ("varied_workplan",),
        withheld=lambda cast, business: business.variation_item.title,
    ),
    # Changing an approved plan's item is a variation: its officers.
    Row(
        "workplan:item_update",
        "GET",
        ByPolicy(policy.ITEM, "vary", hidden_from_members=False),
        ("approved_item",),
    ),
    Row(
        "workplan:workplan_detail",
        "GET",
        COUNCIL_A,
        ("varied_workplan",),
        withheld=lambda cast, business: business.variation_item.title,
    ),
    Row(
        "workplan:workplan_export_csv",
        "GET",
        COUNCIL_A,
        ("varied_workplan",),
        withheld=lambda cast, business: business.variation_item.title,
    ),
    Row("workplan:workplan_export_xlsx", "GET", COUNCIL_A, ("varied_workplan",)),
    Row("workplan:workplan_paper", "GET", COUNCIL_A, ("varied_workplan",)),
    # An open review of an approved plan is work in progress: not the
    # members' until it is closed (reported to a committee).
    Row("workplan:review_detail", "GET", DRAFT_STRATEGY_READ, ("open_review",)),
    Row("workplan:review_paper", "GET", DRAFT_STRATEGY_READ, ("open_review",)),
    # Agreeing it under delegated powers: the officer holds the power; the
    # clerk and the administrator may by role, but the council has not
    # delegated it to them (409, nothing changes).
    Row(
        "workplan:item_transition",
        "GET",
        statuses(member=404, officer=200, clerk=409, administrator=409, other=404),
        ("variation_item", "agree_variation"),
    ),
    Row(
        "workplan:item_transition",
        "POST",
        statuses(member=404, officer=302, clerk=409, administrator=409, other=404),
        ("variation_item", "agree_variation"),
        lambda cast, business: {"agreed_on": str(timezone.localdate())},
        OFFICER,
    ),
    # Agreeing it by a decision: clerks (a decision not naming the variation
    # is refused, nothing changes).
    Row(
        "workplan:item_transition",
        "GET",
        statuses(member=404, officer=403, clerk=200, administrator=403, other=404),
        ("variation_item", "agree_variation_by_decision"),
    ),
    Row(
        "workplan:item_transition",
        "POST",
        statuses(member=404, officer=403, clerk=409, administrator=403, other=404),
        ("variation_item", "agree_variation_by_decision"),
        lambda cast, business: {"decision": business.published_decision.pk},
    ),
    # The council's routes for strategies and workplans: its clerks and
    # administrators (an unknown record type: 404 for them).
    Row("governance:route_update", "GET", MANAGERS, ("slug", "strategy")),
    Row(
        "governance:route_update",
        "POST",
        MANAGERS_POST,
        ("slug", "strategy"),
        lambda cast, business: {
            "scrutiny": "not-used",
            "approving_committees": [business.cabinet.pk],
            "change_reason": "Access test",
        },
        CHANGERS,
    ),
    Row(
        "governance:route_update",
        "GET",
        {**MANAGERS, "clerk": 404, "administrator": 404},
        ("slug", "meetings"),
    ),
    # How workplans are laid out (future works last): clerks and administrators.
    Row("workplan:workplan_settings", "GET", MANAGERS, ("slug",)),
    Row(
        "workplan:workplan_settings",
        "POST",
        MANAGERS_POST,
        ("slug",),
        lambda cast, business: {
            "future_works_last": "on",
            "change_reason": "Constitution",
        },
        CHANGERS,
    ),
    # How recommendations and resolutions are numbered: the same people.
    Row("decisions:numbering_settings", "GET", MANAGERS, ("slug",)),
    Row(
        "decisions:numbering_settings",
        "POST",
        MANAGERS_POST,
        ("slug",),
        lambda cast, business: {
            "recommendations": "letters",
            "change_reason": "Constitution",
        },
        CHANGERS,
    ),
    # Who agrees variations: the council's clerks and administrators.
    Row("workplan:variation_settings", "GET", MANAGERS, ("slug",)),
    Row(
        "workplan:variation_settings",
        "POST",
        MANAGERS_POST,
        ("slug",),
        lambda cast, business: {"delegates": [], "change_reason": "Constitution"},
        CHANGERS,
    ),
    # Removing an item from an approved plan is a variation (item_remove),
    # never a lifecycle step: there is no such step for items.
    Row(
        "workplan:item_transition",
        "POST",
        statuses(member=404, officer=404, clerk=404, administrator=404, other=404),
        ("approved_item", "close"),
        lambda cast, business: {"comment": "Not needed"},
    ),
    # The council's call-in rules, closure days and bank holidays worked:
    # clerks and administrators (the council's setting may narrow it).
    Row("decisions:call_in_rule_create", "GET", MANAGERS, ("slug",)),
    Row(
        "decisions:call_in_rule_create",
        "POST",
        MANAGERS_POST,
        ("slug",),
        rule_data,
        CHANGERS,
    ),
    Row("decisions:call_in_rule_update", "GET", MANAGERS, ("slug", "unapplied_rule")),
    Row(
        "decisions:call_in_rule_update",
        "POST",
        MANAGERS_POST,
        ("slug", "unapplied_rule"),
        lambda cast, business: {**rule_data(cast, business), "change_reason": "Typo"},
        CHANGERS,
    ),
    # A rule published decisions were judged by is kept as it is.
    Row(
        "decisions:call_in_rule_update",
        "GET",
        {**MANAGERS, "clerk": 409, "administrator": 409},
        ("slug", "applied_rule"),
    ),
    Row(
        "decisions:call_in_rule_update",
        "POST",
        {**MANAGERS, "clerk": 409, "administrator": 409},
        ("slug", "applied_rule"),
        lambda cast, business: {**rule_data(cast, business), "change_reason": "Typo"},
    ),
    Row("decisions:closure_day_create", "GET", MANAGERS, ("slug",)),
    Row(
        "decisions:closure_day_create",
        "POST",
        MANAGERS_POST,
        ("slug",),
        closure_data,
        CHANGERS,
    ),
    Row("decisions:closure_day_delete", "GET", MANAGERS, ("slug", "closure_day")),
    Row(
        "decisions:closure_day_delete",
        "POST",
        MANAGERS_POST,
        ("slug", "closure_day"),
        no_data,
        CHANGERS,
    ),
    Row("decisions:bank_holiday_worked_create", "GET", MANAGERS, ("slug",)),
    Row(
        "decisions:bank_holiday_worked_create",
        "POST",
        MANAGERS_POST,
        ("slug",),
        bank_holiday_data,
        CHANGERS,
    ),
    Row(
        "decisions:bank_holiday_worked_delete",
        "GET",
        MANAGERS,
        ("slug", "bank_holiday_worked"),
    ),
    Row(
        "decisions:bank_holiday_worked_delete",
        "POST",
        MANAGERS_POST,
        ("slug", "bank_holiday_worked"),
        no_data,
        CHANGERS,
    ),
    # --- the public site: the same for everyone, signed in or not ---------------
    Row("public:home", "GET", PUBLIC, ("slug",)),
    Row("public:meeting_list", "GET", PUBLIC, ("slug",)),
    Row("public:meeting_detail", "GET", PUBLIC, ("slug", "meeting")),
    Row("public:meeting_detail", "GET", NOBODY, ("slug", "later_meeting")),
    Row("public:meeting_detail", "GET", NOBODY, ("slug", "other_meeting")),
    Row("public:agenda_pack", "GET", PUBLIC, ("slug", "pack_rendered")),
    Row("public:agenda_pack", "GET", NOBODY, ("slug", "later_meeting")),
    Row("public:meeting_calendar", "GET", PUBLIC, ("slug",)),
    Row("public:report_detail", "GET", PUBLIC, ("slug", "report")),
    Row("public:report_detail", "GET", NOBODY, ("slug", "unpublished_report")),
    Row("public:report_detail", "GET", NOBODY, ("slug", "exempt_report")),
    Row("public:report_paper", "GET", PUBLIC, ("slug", "report_rendered")),
    Row("public:report_paper", "GET", NOBODY, ("slug", "exempt_report")),
    Row("public:decision_list", "GET", PUBLIC, ("slug",)),
    Row("public:decision_detail", "GET", PUBLIC, ("slug", "published_decision")),
    Row("public:decision_detail", "GET", NOBODY, ("slug", "draft_decision")),
    Row("public:decision_paper", "GET", PUBLIC, ("slug", "decision_rendered")),
    Row("public:decision_paper", "GET", NOBODY, ("slug", "draft_decision")),
    Row("public:decision_feed", "GET", PUBLIC, ("slug",)),
    Row("public:forward_plan", "GET", PUBLIC, ("slug",)),
    Row("public:committee_list", "GET", PUBLIC, ("slug",)),
    # Council A does not publish its strategies, until `public_strategy`.
    Row("public:strategy_list", "GET", NOBODY, ("slug",)),
    Row("public:strategy_detail", "GET", NOBODY, ("slug", "approved_strategy")),
    Row("public:strategy_detail", "GET", PUBLIC, ("slug", "public_strategy")),
    Row("public:strategy_detail", "GET", NOBODY, ("slug", "draft_strategy")),
    Row("public:workplan_detail", "GET", PUBLIC, ("slug", "public_workplan")),
    Row("public:workplan_detail", "GET", NOBODY, ("slug", "workplan")),
    Row("public:review_detail", "GET", PUBLIC, ("slug", "public_review")),
    Row("public:review_detail", "GET", NOBODY, ("slug", "open_review")),
    Row("public:accessibility", "GET", PUBLIC, ("slug",)),
    Row("public:sitemap", "GET", PUBLIC, ("slug",)),
    *API_ROWS,
]

# The admin's own URLs are many and generated; they are covered by
# `test_admin_access.py`.
NAMESPACES_TESTED_ELSEWHERE = {"admin"}


def named_urls(resolver=None, namespace=None):
    """Every named URL pattern as "namespace:name"."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_named_url_has_an_access_decision():
    in_matrix = {row.name for row in MATRIX}
    missing = {
        name
        for name in named_urls()
        if name.split(":")[0] not in NAMESPACES_TESTED_ELSEWHERE
    } - in_matrix
    assert not missing, f"URLs with no row in the access matrix: {sorted(missing)}"


def test_every_row_names_every_role():
    for row in MATRIX:
        assert set(row.expected) == set(ROLES), row


def with_variation(cast, business):
    """Add to `business` an approved workplan whose item WP01 was approved
    with it, WP02 added to it by variation (still a draft) and an open
    review."""
    from ..base import (
        add_item_by_variation,
        approve_workplan,
        delegate_variations,
        make_item,
        make_review,
        make_workplan,
    )

    workplan = make_workplan(cast, business.approved_strategy, 2024)
    business.approved_item = make_item(cast, workplan, "WP01")
    business.varied_workplan = approve_workplan(cast, business, workplan)
    business.variation_item = add_item_by_variation(
        cast, workplan, "WP02", title="Replace the payroll system"
    )
    delegate_variations(cast, cast.officer)
    business.open_review = make_review(cast, workplan)


def with_papers_sent(cast, business, rendered):
    """Add to `business` the papers sent when the meeting's agenda was
    published (its pack and report), and a report paper sent for the later
    meeting, whose agenda was then withdrawn; the one `rendered` (an
    attribute) is rendered already, so each role is served the same file."""
    from decisions.considered import send_papers
    from decisions.models import ConsideredPaper
    from governance.paper_store import kind_named, render, store

    kind = kind_named("considered-paper")
    send_papers(business.meeting, user=cast.clerk, published_now=True)
    later = business.later_meeting
    later.agenda_published = True
    later.save()
    send_papers(later, user=cast.clerk, published_now=True)
    later.agenda_published = False
    later.save()
    sent = ConsideredPaper.objects.filter(supplement=0)
    business.sent_pack = sent.get(meeting=business.meeting, kind="agenda-pack")
    business.sent_report = sent.get(meeting=business.meeting, kind="report")
    business.withdrawn_report = sent.get(meeting=later, kind="report")
    paper = getattr(business, rendered)
    store(kind, paper, "kept", *render(kind, paper))


def with_rules_and_holidays(cast, business):
    """Add to `business` council A's rule its published decisions were judged
    by, a later rule none was yet, and a bank holiday it works."""
    from decisions.models import BankHolidayWorked, CallInRule
    from governance.history import save_with_reason

    from ..base import make_call_in_rule

    business.applied_rule = CallInRule.objects.get(
        organisation=cast.council_a, applies_from="2000-01-01"
    )
    business.unapplied_rule = make_call_in_rule(cast.council_a, date(2032, 4, 1))
    day, _name = BankHolidayWorked.could_be_worked(
        cast.council_a, timezone.localdate()
    )[0]
    business.bank_holiday_worked = save_with_reason(
        BankHolidayWorked(organisation=cast.council_a, date=day),
        user=None,
        reason="Test set-up",
    )


def with_post_and_heading(cast, business):
    """Council A's director post (the report's) and its first heading."""
    from decisions.models import ReportHeading

    business.post = business.report.report_of
    business.heading = ReportHeading.objects.get(
        organisation=cast.council_a, standard="financial"
    )


#: Objects some rows need beyond `Business`, built only for those rows.
def with_import_upload(cast, business):
    """A spreadsheet uploaded by council A's officer to the draft workplan,
    its columns guessed."""
    from workplan import import_mapping, spreadsheet_reader

    sheet = spreadsheet_reader.read_sheet(
        b"Reference,Title,Category,Commentary\r\n"
        b"WP31,Replace the intranet,C,Procurement under way\r\n"
    )
    business.import_upload = import_mapping.keep(
        business.workplan, cast.officer, sheet, "items.csv"
    )


def with_public_records(cast, business):
    """Council A publishes its strategies: its approved strategy, a workplan
    of it and a progress report made to committee are public; and another
    council's meeting, and an exempt report on council A's published agenda."""
    from tests.public.test_public_site import exempt_report, publish_strategies

    from ..base import make_committee, make_meeting

    if hasattr(business, "public_strategy"):
        return
    business.public_workplan, business.public_review = publish_strategies(
        cast, business
    )
    business.public_strategy = business.approved_strategy
    business.exempt_report = exempt_report(cast, business)
    board = make_committee(cast.council_b, "Policy Board", "executive")
    business.other_committee = board
    business.other_meeting = make_meeting(
        board, timezone.now() - timedelta(days=1), agenda_published=True
    )


def with_public_paper_rendered(cast, business, name):
    """`name`: the public agenda pack of the published meeting, its report's
    paper or the published decision's record, rendered once (each role is
    then served the stored file)."""
    from decisions import papers
    from governance.paper_store import render_and_store, version_key

    kind, record = {
        "pack_rendered": (papers.PUBLIC_AGENDA_PACK, business.meeting),
        "report_rendered": (papers.COMMITTEE_REPORT, business.report),
        "decision_rendered": (papers.DECISION_RECORD, business.published_decision),
    }[name]
    record = type(record).objects.get(pk=record.pk)
    render_and_store(kind, record, version_key(kind, record))
    setattr(business, name, record)


def with_exempt_records(cast, business):
    """An exempt report (on no agenda, so that the meeting's papers stay as
    other rows expect), and the published decision with an exempt part,
    both withheld."""
    from governance.history import save_with_reason

    from ..base import make_report

    review_on = timezone.localdate() + timedelta(days=90)
    business.withheld_report = make_report(
        cast.council_a,
        "Data centre lease",
        exempt=True,
        exempt_paragraph="3",
        exempt_reason="Commercial terms under negotiation",
        exempt_review_on=review_on,
    )
    decision = business.published_decision
    decision.exempt = True
    decision.exempt_part = "The lease is agreed at the rent in the exempt report."
    decision.exempt_paragraph = "3"
    decision.exempt_reason = "Commercial terms under negotiation"
    decision.exempt_review_on = review_on
    business.exempt_decision = save_with_reason(
        decision, user=None, reason="Test set-up"
    )


EXTRAS = {
    "withheld_report": with_exempt_records,
    "exempt_decision": with_exempt_records,
    "import_upload": with_import_upload,
    "applied_rule": with_rules_and_holidays,
    "unapplied_rule": with_rules_and_holidays,
    "bank_holiday_worked": with_rules_and_holidays,
    "post": with_post_and_heading,
    "heading": with_post_and_heading,
    "sent_pack": partial(with_papers_sent, rendered="sent_pack"),
    "sent_report": partial(with_papers_sent, rendered="sent_report"),
    "withdrawn_report": partial(with_papers_sent, rendered="withdrawn_report"),
    "varied_workplan": with_variation,
    "approved_item": with_variation,
    "variation_item": with_variation,
    "open_review": with_variation,
    "pack_rendered": partial(with_public_paper_rendered, name="pack_rendered"),
    "report_rendered": partial(with_public_paper_rendered, name="report_rendered"),
    "decision_rendered": partial(with_public_paper_rendered, name="decision_rendered"),
    "public_strategy": with_public_records,
    "public_workplan": with_public_records,
    "public_review": with_public_records,
    "exempt_report": with_public_records,
    "other_meeting": with_public_records,
    "other_committee": with_public_records,
}


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def url_for(row, cast, business):
    for arg in row.args:
        if arg in EXTRAS and not hasattr(business, arg):
            EXTRAS[arg](cast, business)
    args = []
    for arg in row.args:
        if arg == "slug":
            args.append(cast.council_a.slug)
        elif arg == "import_upload":
            args.append(business.import_upload.token)
        elif hasattr(business, arg):
            args.append(getattr(business, arg).pk)
        else:
            args.append(arg)
    return reverse(row.name, args=args)


@cache
def _counting_sql():
    """One query counting the rows of every table of our apps' models and
    their history tables (one round trip, not one per table)."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.app_label
            in ("governance", "decisions", "strategy", "workplan", "api")
        }
    )
    quote = connection.ops.quote_name
    # Table names of our own models, quoted: nothing here comes from outside.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608
    return tables, f"SELECT {counts}"


def snapshot():
    """Row counts of every model and history table: a refused request keeps them."""
    tables, sql = _counting_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


ROW_IDS = [f"{row.name}-{row.method}-{'-'.join(map(str, row.args))}" for row in MATRIX]


@pytest.mark.parametrize("index", range(len(MATRIX)), ids=ROW_IDS)
def test_access(cast, business, client_for, index):
    """Every role requests the row's URL, each in a savepoint rolled back
    afterwards, so each meets the same data (and the business is built once
    per row, not once per role). Every role's mismatch is reported."""
    row = MATRIX[index]
    # Built before the savepoints: records a row names on demand (EXTRAS).
    url = url_for(row, cast, business)
    problems = []
    for role in ROLES:
        try:
            with transaction.atomic():
                check_cell(row, role, url, cast, business, client_for)
                transaction.set_rollback(True)
        except AssertionError as problem:
            problems.append(f"{role}: {problem}")
    assert not problems, "\n".join(problems)


def check_cell(row, role, url, cast, business, client_for):
    client = client_for(cast.user(role))
    before = snapshot() if row.method == "POST" else None
    # What the policy says before the request (a request it allows may
    # change its verdict, e.g. preparing the one replacement).
    expected = row.expected[role]
    if isinstance(row.expected, ByPolicy):
        expected = row.expected.resolve(role, row, cast, business)
    if row.method == "GET":
        response = client.get(url)
    else:
        data = row.data(cast, business) if row.data else {}
        response = client.post(url, with_version(client, url, data))
    form = (response.context or {}).get("form")
    assert response.status_code == expected, (
        f"{row.method} {url} as {role}: {response.status_code}, expected {expected}"
        f"\n{form.errors if form is not None else ''}"
    )
    if response.status_code == 302 and role == "anonymous":
        # The admin sends anonymous people to its login URL, which in turn
        # redirects to the service's sign-in page.
        assert response["Location"].startswith(
            (reverse("login"), reverse("admin:login"))
        )
    if row.withheld is not None and response.status_code == 200:
        text = row.withheld(cast, business)
        if role == "member":
            assert text not in body(response), "a member was shown a draft"
        else:
            assert text in body(response)
    if row.method == "POST" and role not in row.changes_for:
        assert snapshot() == before, "a refused POST changed data"
    if row.method == "POST" and role in row.changes_for:
        assert snapshot() != before, "an allowed POST changed nothing"
