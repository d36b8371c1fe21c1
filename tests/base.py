"""The cast every test shares.

Council A ("Ashdown") has one person in each role; council B ("Brackley")
has an officer. Each is built through the ordinary code paths (the same
`save_with_reason` the app uses), so their records carry history.

    anonymous      – not signed in: sees only the sign-in page and /healthz
    member         – councillor of A: reads A's approved records, edits nothing
    officer        – officer of A: drafts A's strategies and workplans
    clerk          – clerk of A: committees, meetings, decisions and papers
    administrator  – administrator of A: people, roles and A's settings; the admin
    other_council  – officer of B: must never see or touch anything of A's

The clerk and the administrator must sign in with a second factor: each has
an authenticator app, set up through the real set-up path. `sign_in` signs
a test client in as someone and passes their second factor.
"""

import threading
import time
import uuid
from binascii import unhexlify
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day

import django_otp
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django_otp.oath import TOTP, hotp

from decisions.call_in import LONDON
from decisions.choices import CommitteeKind
from decisions.models import (
    AgendaItem,
    CallInRule,
    ClosureDay,
    Committee,
    DecisionRecord,
    Meeting,
    Recommendation,
    Report,
    Resolution,
)
from governance import second_factor
from governance.choices import PostKind, Role
from governance.history import save_with_reason
from governance.models import Membership, Organisation, PaperJob, Post
from governance.paper_store import kind_named
from governance.submissions import FIELD as SUBMISSION_FIELD
from strategy.models import Objective, Risk, Strategy, Theme

PASSWORD = "correct-horse-battery-staple"

ROLES = ["anonymous", "member", "officer", "clerk", "administrator", "other_council"]


def make_organisation(name, slug, **fields):
    organisation = Organisation(name=name, slug=slug, **fields)
    return save_with_reason(organisation, user=None, reason="Test set-up")


def make_committee(organisation, name, kind):
    committee = Committee(organisation=organisation, name=name, kind=kind)
    return save_with_reason(committee, user=None, reason="Test set-up")


def make_call_in_rule(organisation, applies_from=date(2000, 1, 1), **fields):
    """A call-in rule; by default 5 working days counting the day of
    publication, taking effect the next working day (not the form's
    defaults: the tests written against this rule keep it)."""
    fields.setdefault("first_day_counts", True)
    fields.setdefault("takes_effect", "next-working-day")
    rule = CallInRule(organisation=organisation, applies_from=applies_from, **fields)
    return save_with_reason(rule, user=None, reason="Test set-up")


def make_person(username, organisation=None, role=None, *, staff=False):
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.replace("_", " ").title(),
        last_name="Tester",
        is_staff=staff,
    )
    if organisation is not None:
        give_role(user, organisation, role)
    return user


def give_role(user, organisation, role):
    membership = Membership(user=user, organisation=organisation, role=role)
    return save_with_reason(membership, user=None, reason="Test set-up")


@dataclass
class Cast:
    council_a: Organisation
    council_b: Organisation
    member: object
    officer: object
    clerk: object
    administrator: object
    other_council: object

    def user(self, role):
        """The user playing `role` (None for anonymous)."""
        return None if role == "anonymous" else getattr(self, role)


def build_cast():
    council_a = make_organisation("Ashdown Borough Council", "ashdown")
    council_b = make_organisation("Brackley District Council", "brackley")
    for council in (council_a, council_b):
        make_committee(council, "Cabinet", CommitteeKind.EXECUTIVE)
        make_committee(
            council, "Overview and Scrutiny Committee", CommitteeKind.SCRUTINY
        )
        make_call_in_rule(council)
    return Cast(
        council_a=council_a,
        council_b=council_b,
        member=make_person("member", council_a, Role.MEMBER),
        officer=make_person("officer", council_a, Role.OFFICER),
        clerk=give_authenticator(make_person("clerk", council_a, Role.CLERK)),
        administrator=give_authenticator(
            make_person("administrator", council_a, Role.ADMINISTRATOR, staff=True)
        ),
        other_council=make_person("other_council", council_b, Role.OFFICER),
    )


# --- the second factor ------------------------------------------------------------


def key_code(key, at=None):
    """The code an authenticator app holding `key` (hex) shows (at `at`)."""
    totp = TOTP(unhexlify(key))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def give_authenticator(user):
    """Set up `user`'s authenticator app as they would: a new key, confirmed
    with the code an app holding it shows. Returns `user`."""
    key = second_factor.new_key()
    assert second_factor.set_up_authenticator(user, key, key_code(key)) is not None
    return user


def authenticator_code(user):
    """A code `user`'s authenticator app shows that the service will take:
    the current one, or if that was used already, the next (one step of
    drift is allowed); failing that, the current one after the step ends."""
    device = second_factor.authenticator_of(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = totp.t()
    if step <= device.last_t:
        if device.last_t + 1 > step + device.tolerance:
            time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
            return authenticator_code(user)
        step = device.last_t + 1
    return f"{hotp(device.bin_key, step, digits=device.digits):06d}"


def sign_in(client, user):
    """Sign the test client in as `user` and pass their second factor, as
    `django_otp.login` records it: the session names the device that took a
    code. Someone who must have an authenticator app and has none (a demo
    clerk, say) sets one up first, as they would at their first sign-in."""
    client.force_login(user)
    if second_factor.authenticator_of(user) is None:
        if not second_factor.second_factor_required(user):
            return client
        give_authenticator(user)
    session = client.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = second_factor.authenticator_of(
        user
    ).persistent_id
    session.save()
    return client


# --- committee business of council A ----------------------------------------------


def make_meeting(committee, starts_at, **fields):
    fields.setdefault("venue", "Council Chamber")
    meeting = Meeting(committee=committee, starts_at=starts_at, **fields)
    return save_with_reason(meeting, user=None, reason="Test set-up")


def make_post(organisation, name, kind=PostKind.DIRECTOR, **fields):
    """The council's post called `name` (made, with `fields`, if new)."""
    post = Post.objects.filter(organisation=organisation, name=name).first()
    if post is not None:
        return post
    post = Post(organisation=organisation, name=name, kind=kind, **fields)
    return save_with_reason(post, user=None, reason="Test set-up")


def make_report(organisation, title="ICT Strategy 2026–2030", **fields):
    if "report_of" not in fields:
        fields["report_of"] = make_post(
            organisation, "Director of Resources", holder_name="Pat Director"
        )
    if "contact" not in fields:
        fields["contact"] = make_post(
            organisation,
            "Head of ICT",
            PostKind.HEAD_OF_SERVICE,
            holder_name="Test Author",
            contact="test.author@example.gov.uk",
        )
    fields.setdefault("purpose", "To seek approval of the ICT strategy.")
    report = Report(organisation=organisation, title=title, **fields)
    save_with_reason(report, user=None, reason="Test set-up")
    save_with_reason(
        Recommendation(report=report, position=1, text="That Cabinet approves it."),
        user=None,
        reason="Test set-up",
    )
    return report


def write_under(report, heading, text):
    """`text` under the report's `heading` (a standard key such as
    "financial", or a heading's name) of its council's template."""
    from django.db.models import Q

    from decisions.models import ReportHeading, ReportText

    heading = ReportHeading.objects.get(
        Q(standard=heading) | Q(name=heading), organisation=report.organisation
    )
    row = ReportText.objects.filter(report=report, heading=heading).first()
    row = row or ReportText(report=report, heading=heading)
    row.text = text
    return save_with_reason(row, user=None, reason="Test set-up")


def put_on_agenda(meeting, report, position=1):
    item = AgendaItem(meeting=meeting, position=position, title=report.title)
    item.report = report
    return save_with_reason(item, user=None, reason="Test set-up")


def make_decision(meeting, title="Approval of the ICT Strategy", **fields):
    """A draft decision taken at `meeting`; given another `decision_date`, at
    a meeting of the same committee on that date (a decision's date is its
    meeting's)."""
    meeting_day = timezone.localtime(meeting.starts_at, LONDON).date()
    day = fields.setdefault("decision_date", meeting_day)
    if day != meeting_day:
        # Held at ten, or just after midnight if that is later than now.
        starts_at = datetime.combine(day, time_of_day(10), tzinfo=LONDON)
        if starts_at > timezone.now():
            starts_at = datetime.combine(day, time_of_day(0, 1), tzinfo=LONDON)
        meeting = make_meeting(meeting.committee, starts_at)
    fields.setdefault("record", "Cabinet considered the report.")
    fields.setdefault("reasons", "The strategy meets the council's needs.")
    decision = DecisionRecord(
        organisation=meeting.committee.organisation,
        meeting=meeting,
        title=title,
        **fields,
    )
    save_with_reason(decision, user=None, reason="Test set-up")
    save_with_reason(
        Resolution(decision=decision, position=1, text="The strategy is approved."),
        user=None,
        reason="Test set-up",
    )
    return decision


def hearing(council, *, days_ago=0):
    """A meeting of council's scrutiny committee that began a minute (and
    `days_ago` days) ago, to hear a call-in received before it."""
    scrutiny = Committee.objects.get(
        organisation=council, name="Overview and Scrutiny Committee"
    )
    return make_meeting(scrutiny, timezone.now() - timedelta(days=days_ago, minutes=1))


def publish(decision, clerk, published_at=None):
    from decisions.decision_path import DECISION_PATH

    published_at = published_at or timezone.now() - timedelta(hours=1)
    return DECISION_PATH.perform(
        decision, "publish", clerk, inputs={"published_at": published_at}
    )


@dataclass
class Business:
    """Council A's committee business and strategies: what the access matrix
    requests."""

    cabinet: object
    meeting: object
    report: object
    unpublished_report: object
    draft_decision: object
    published_decision: object
    closure_day: object
    scrutiny_meeting: object = None
    draft_strategy: object = None
    approved_strategy: object = None
    theme: object = None
    objective: object = None
    workplan: object = None
    item: object = None
    review: object = None
    #: The meeting whose agenda (the unpublished report) is not yet published.
    later_meeting: object = None
    #: A finished background rendering of the meeting's agenda pack, and a
    #: queued one of the later meeting's (unpublished) pack.
    paper_job: object = None
    draft_paper_job: object = None
    #: The officer's membership of council A, a pending invitation to it
    #: (its link carries `INVITATION_TOKEN`) and one of its departments.
    membership: object = None
    invitation: object = None
    department: object = None


def make_pack_job(meeting, **fields):
    """A background job for `meeting`'s agenda pack (not handed to a worker)."""
    return PaperJob.objects.create(
        **PaperJob.naming(kind_named("agenda-pack"), meeting),
        organisation=meeting.organisation,
        version_key="test",
        title=f"Agenda pack: {meeting}",
        **fields,
    )


def build_business(cast):
    council = cast.council_a
    cabinet = Committee.objects.get(organisation=council, name="Cabinet")
    meeting = make_meeting(
        cabinet, timezone.now() - timedelta(days=2), agenda_published=True
    )
    report = make_report(council)
    put_on_agenda(meeting, report)
    later = make_meeting(cabinet, timezone.now() + timedelta(days=40))
    unpublished_report = make_report(council, "Telephony replacement")
    put_on_agenda(later, unpublished_report)
    draft = make_decision(meeting, "Draft decision")
    published = publish(make_decision(meeting, "Published decision"), cast.clerk)
    closure = save_with_reason(
        ClosureDay(organisation=council, date=date(2030, 12, 29), description="Shut"),
        user=None,
        reason="Test set-up",
    )
    business = Business(
        cabinet, meeting, report, unpublished_report, draft, published, closure
    )
    scrutiny = Committee.objects.get(
        organisation=council, name="Overview and Scrutiny Committee"
    )
    business.later_meeting = later
    business.paper_job = make_pack_job(meeting, status=PaperJob.Status.READY)
    business.draft_paper_job = make_pack_job(later)
    # Held five days ago, before Cabinet's meeting: drafts are sent to it and
    # its outcome recorded after the event, as clerks catch up.
    business.scrutiny_meeting = make_meeting(
        scrutiny, timezone.now() - timedelta(days=5)
    )
    business.draft_strategy = make_strategy(cast, "Digital Strategy 2026–2030")
    business.theme = business.draft_strategy.themes.get()
    business.objective = business.theme.objectives.get()
    business.approved_strategy = approve_strategy(
        make_strategy(cast, "ICT Strategy 2022–2025", start=2022, end=2025),
        cast,
        business,
    )
    business.workplan = make_workplan(cast, business.approved_strategy, 2023)
    business.item = make_item(cast, business.workplan, "WP01")
    business.review = make_review(cast, business.workplan)
    # The officer has an e-mail address (a password link can be sent).
    cast.officer.email = "officer@ashdown.example.gov.uk"
    cast.officer.save(update_fields=["email"])
    business.membership = Membership.objects.get(
        user=cast.officer, organisation=council
    )
    business.invitation = make_invitation(council, cast.administrator)
    business.department = make_department(council, "Corporate Property")
    return business


#: The link token of the invitation `build_business` makes.
INVITATION_TOKEN = "test-invitation-token-0123456789"


def make_invitation(organisation, invited_by, token=INVITATION_TOKEN, **fields):
    """A pending invitation to `organisation` whose link carries `token`."""
    from governance.models import Invitation
    from governance.people import hash_token

    fields.setdefault("email", "new.person@example.gov.uk")
    fields.setdefault("first_name", "New")
    fields.setdefault("last_name", "Person")
    fields.setdefault("role", Role.OFFICER)
    fields.setdefault("expires_at", timezone.now() + timedelta(days=7))
    invitation = Invitation(
        organisation=organisation,
        invited_by=invited_by,
        token_hash=hash_token(token),
        **fields,
    )
    return save_with_reason(invitation, user=invited_by, reason="Test set-up")


def make_department(organisation, name):
    from workplan.models import Department

    return save_with_reason(
        Department(organisation=organisation, name=name),
        user=None,
        reason="Test set-up",
    )


def make_review(cast, workplan, number=1):
    from workplan.models import Review

    review = Review(
        workplan=workplan,
        number=number,
        due=timezone.localdate(),
        opened_at=timezone.now(),
        opened_on=timezone.localdate(),
    )
    return save_with_reason(review, user=cast.officer, reason="Test set-up")


def make_workplan(cast, strategy, year):
    from workplan.models import Workplan

    workplan = Workplan(
        organisation=strategy.organisation,
        strategy=strategy,
        financial_year=year,
        created_by=cast.officer,
    )
    return save_with_reason(workplan, user=cast.officer, reason="Test set-up")


def make_item(cast, workplan, reference, **fields):
    from workplan.models import WorkplanItem

    fields.setdefault("title", f"Item {reference}")
    fields.setdefault("category", "C")
    fields.setdefault("work_type", "statutory")
    fields.setdefault("theme", workplan.strategy.themes.first())
    item = WorkplanItem(
        organisation=workplan.organisation,
        workplan=workplan,
        reference=reference,
        created_by=cast.officer,
        **fields,
    )
    return save_with_reason(item, user=cast.officer, reason="Test set-up")


def make_strategy(cast, title, *, start=2026, end=2030, **fields):
    """A draft strategy of council A by its officer, with a theme, an
    objective and a risk."""
    lead = Membership.objects.get(user=cast.officer, organisation=cast.council_a)
    strategy = Strategy(
        organisation=cast.council_a,
        title=title,
        period_start_year=start,
        period_end_year=end,
        vision="Services designed around residents.",
        summary="Five themes for modern, secure services.",
        created_by=cast.officer,
        lead_officer=lead,
        **fields,
    )
    save_with_reason(strategy, user=cast.officer, reason="Test set-up")
    theme = save_with_reason(
        Theme(strategy=strategy, position=1, title="Digital by default"),
        user=cast.officer,
        reason="Test set-up",
    )
    save_with_reason(
        Objective(theme=theme, position=1, text="Move forms online."),
        user=cast.officer,
        reason="Test set-up",
    )
    save_with_reason(
        Risk(
            strategy=strategy,
            position=1,
            description="Skills shortage",
            likelihood="medium",
            impact="high",
        ),
        user=cast.officer,
        reason="Test set-up",
    )
    return strategy


def name_in_decision(decision, record):

    from decisions.models import DecidedRecord

    return save_with_reason(
        DecidedRecord(
            decision=decision,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
        ),
        user=None,
        reason="Test set-up",
    )


def approve_strategy(strategy, cast, business):
    """Take `strategy` through scrutiny and approval, as the real people would."""
    from strategy.lifecycle import STRATEGY_LIFECYCLE

    STRATEGY_LIFECYCLE.perform(
        strategy,
        "submit",
        cast.officer,
        inputs={"meeting": business.scrutiny_meeting},
    )
    STRATEGY_LIFECYCLE.perform(
        strategy,
        "record_scrutiny",
        cast.clerk,
        inputs={"outcome": "endorsed", "committee_comments": ""},
    )
    decision = make_decision(business.meeting, f"Approval of {strategy.title}")
    name_in_decision(decision, strategy)
    decision = publish(decision, cast.clerk)
    return STRATEGY_LIFECYCLE.perform(
        strategy, "approve", cast.clerk, inputs={"decision": decision}
    )


def approve_workplan(cast, business, workplan):
    """Take `workplan` through scrutiny and approval, as the real people
    would; its items are approved with it."""
    from workplan.lifecycle import WORKPLAN_LIFECYCLE

    WORKPLAN_LIFECYCLE.perform(
        workplan, "submit", cast.officer, inputs={"meeting": business.scrutiny_meeting}
    )
    WORKPLAN_LIFECYCLE.perform(
        workplan,
        "record_scrutiny",
        cast.clerk,
        inputs={"outcome": "endorsed", "committee_comments": ""},
    )
    decision = make_decision(business.meeting, f"Approval of {workplan}")
    name_in_decision(decision, workplan)
    decision = publish(decision, cast.clerk)
    return WORKPLAN_LIFECYCLE.perform(
        workplan, "approve", cast.clerk, inputs={"decision": decision}
    )


def add_item_by_variation(cast, workplan, reference, **fields):
    """An item added to an approved `workplan` by variation, as the officer's
    form adds one: a draft, with its "item added" variation recorded."""
    from workplan import variations
    from workplan.models import Variation

    item = make_item(cast, workplan, reference, **fields)
    variations.record(
        workplan,
        item,
        Variation.Kind.ADDED,
        reason="A new statutory duty",
        agreed_with="",
        agreed_on=None,
        user=cast.officer,
    )
    return item


def delegate_variations(cast, *people):
    """Council A's scheme of delegation: `people` may agree variations."""
    from workplan.models import VariationSettings

    settings = save_with_reason(
        VariationSettings.objects.filter(organisation=cast.council_a).first()
        or VariationSettings(organisation=cast.council_a),
        user=cast.administrator,
        reason="Test set-up",
    )
    settings.delegates.set(
        Membership.objects.filter(organisation=cast.council_a, user__in=people)
    )
    return settings


# --- racing: two threads, two connections, one barrier ----------------------------


def race(*actions):
    """Run each action in its own thread, released together; return results."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            results[index] = action(barrier)
        except Exception as error:  # the test reports it
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action))
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def with_version(client, url, data):
    """`data` with the version the page's form carries and its one-time
    submission token, as a browser posts them back (a guarded edit page
    refuses a form without its version, a create page one without its
    token). Nothing is added for a page that has no such form (for this
    person)."""
    wanted = [name for name in ("version", SUBMISSION_FIELD) if name not in data]
    if not wanted:
        return data
    form = (client.get(url).context or {}).get("form")
    if form is None:
        return data
    carried = {name: form[name].value() for name in wanted if name in form.fields}
    return {**data, **carried}


def with_token(data):
    """`data` with a fresh one-time submission token, as a create form
    carries (a create page refuses a form without one)."""
    return {**data, SUBMISSION_FIELD: str(uuid.uuid4())}


def count_calls(monkeypatch, owner, name):
    """A one-item list counting the calls of `owner.name` (a function or
    method, still called through) for the rest of the test."""
    count = [0]
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return count
