"""Demo committees, call-in rules, meetings, reports and decision records.

Called by `manage.py load_demo` (see `governance/demo.py`); running it again
updates in place: every record is looked up by its natural key (a report by
council and title, a meeting by committee and start, an agenda item by
meeting and number, a decision by council and title) and saved only when it
is new or has changed, so history does not grow on a re-run. A decision that
exists is never published or called in again.

Ashcombe gets a year of committee business around today, plus the 2007
decision that approved its ICT Strategy 2007–2011 (the worked example in
`call_in.py`: published on Monday 1 October 2007, call-in until midnight on
Friday 5 October 2007). Fenmoor gets a couple of meetings and one decision.

Dates are relative to the day the demo was first loaded (the day the 2007
strategy report was created; today on a fresh database), so a later run finds
the same meetings instead of adding a second set. Everything here is
fictional: the councils, the people and the numbers.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from governance.choices import PostKind
from governance.history import save_with_reason
from governance.models import Membership, Post

from . import report_template
from .call_in import LONDON, is_working_day
from .choices import CommitteeKind, DecisionStatus, MeetingStatus, UrgencyRoute
from .decision_path import DECISION_PATH
from .models import (
    AgendaItem,
    CallInRule,
    ClosureDay,
    Committee,
    CommitteeMember,
    DecisionRecord,
    Meeting,
    NumberingSettings,
    Recommendation,
    Report,
    ReportHeading,
    ReportTemplate,
    ReportText,
    Resolution,
)

REASON = "Demo data"

CABINET = "Cabinet"
SCRUTINY = "Overview and Scrutiny Committee"
FINANCE = "Finance and Performance Committee"

COMMITTEES = [
    (CABINET, CommitteeKind.EXECUTIVE),
    (SCRUTINY, CommitteeKind.SCRUTINY),
    (FINANCE, CommitteeKind.OTHER),
]

#: Each Ashcombe committee's contact officer and councillors (name, role);
#: fictional people.
ASHCOMBE_COMMITTEES = {
    CABINET: (
        "Priya Raman, Democratic Services, 01632 960201",
        [
            ("Councillor Helen Marsh (Leader)", "chair"),
            ("Councillor Tom Adeyemi (Deputy Leader)", "vice-chair"),
            ("Councillor Grace Whitfield", "member"),
            ("Councillor Owen Pryce", "member"),
            ("Councillor Leah Norris", "member"),
        ],
    ),
    SCRUTINY: (
        "Priya Raman, Democratic Services, 01632 960201",
        [
            ("Councillor A. Fenwick", "chair"),
            ("Councillor R. Osei", "vice-chair"),
            ("Councillor J. Lindqvist", "member"),
            ("Councillor M. Doyle", "member"),
        ],
    ),
    FINANCE: (
        "Callum Reid, Democratic Services, 01632 960202",
        [
            ("Councillor Sarah Pike", "chair"),
            ("Councillor Ben Okoro", "vice-chair"),
            ("Councillor Ruth Castell", "member"),
        ],
    ),
}

#: Fenmoor's committees: its Finance and Performance Committee is a
#: decision-making committee that approves the annual ICT workplan on its
#: own, without pre-decision scrutiny (as some councils' constitutions say).
FENMOOR_COMMITTEES = {
    CABINET: (
        "Priya Raman, Democratic Services, 01632 960550",
        [
            ("Councillor Mark Ellery (Leader)", "chair"),
            ("Councillor Nia Gould", "vice-chair"),
            ("Councillor Peter Voss", "member"),
        ],
    ),
    FINANCE: (
        "Priya Raman, Democratic Services, 01632 960550",
        [
            ("Councillor Dana Whitcombe", "chair"),
            ("Councillor Imran Qureshi", "vice-chair"),
            ("Councillor Lucy Barnard", "member"),
            ("Councillor Owain Rhys", "member"),
        ],
    ),
}
COMMITTEE_KINDS = {"fenmoor": {FINANCE: CommitteeKind.DECISION_MAKING}}

#: What each committee is for, as its terms of reference put it (shown on the
#: committee's page and searched).
COMMITTEE_PURPOSES = {
    CABINET: (
        "Takes the council's key executive decisions, including approving the "
        "ICT strategy and its annual workplan, within the budget and policy "
        "framework set by full Council."
    ),
    SCRUTINY: (
        "Holds the Cabinet to account: examines proposals before decisions are "
        "taken, reviews delivery of the ICT strategy every six months and hears "
        "call-ins of executive decisions."
    ),
    FINANCE: (
        "Oversees the council's budget, performance and value for money, "
        "including spending on ICT contracts and digital programmes."
    ),
}

#: Each council's call-in rule, in force since 2000.
CALL_IN_RULES = {
    "ashcombe": {
        "days": 5,
        "day_kind": "working",
        "counted_from": "publication",
        "first_day_counts": True,
        "cut_off": None,
        "takes_effect": "next-working-day",
    },
    "fenmoor": {
        "days": 5,
        "day_kind": "working",
        "counted_from": "publication",
        "first_day_counts": False,
        "cut_off": time(17, 0),
        "takes_effect": "next-day",
    },
}

#: The Ashcombe decision of 2007 (its title is also the report's).
STRATEGY_2007 = "ICT Strategy 2007–2011"
CALLED_IN_BY = "Councillors A. Fenwick, R. Osei and J. Lindqvist"

ASHCOMBE_VENUES = {
    CABINET: "Council Chamber, Ashcombe Civic Centre",
    SCRUTINY: "Committee Room 1, Ashcombe Civic Centre",
    FINANCE: "Committee Room 2, Ashcombe Civic Centre",
}
FENMOOR_VENUE = "Council Chamber, Fenmoor House, Wellgate"

#: The posts each council names on its papers: (name, kind, holder, demo
#: username of their account or None, contact details, in use).
HEAD_OF_ICT = "Head of ICT and Digital"
DIRECTOR_OF_RESOURCES = "Director of Resources"
CABINET_MEMBER_FOR_RESOURCES = "Cabinet Member for Resources"
POSTS = {
    "ashcombe": [
        (
            CABINET_MEMBER_FOR_RESOURCES,
            PostKind.CABINET_PORTFOLIO,
            "Councillor Helen Marsh",
            "member",
            "",
            True,
        ),
        (
            DIRECTOR_OF_RESOURCES,
            PostKind.DIRECTOR,
            "Margaret Ellison",
            None,
            "margaret.ellison@ashcombe.example.org, 01632 960400",
            True,
        ),
        (
            HEAD_OF_ICT,
            PostKind.HEAD_OF_SERVICE,
            "Daniel Okafor",
            "officer",
            "daniel.okafor@ashcombe.example.org, 01632 960418",
            True,
        ),
        (
            "Head of IT Services",
            PostKind.HEAD_OF_SERVICE,
            "Graham Pettifer",
            None,
            "graham.pettifer@ashcombe.example.org, 01632 960214",
            False,
        ),
    ],
    "fenmoor": [
        (
            "Cabinet Member for Customers and Digital",
            PostKind.CABINET_PORTFOLIO,
            "Councillor Tom Ashby",
            None,
            "",
            True,
        ),
        (
            "Corporate Director",
            PostKind.DIRECTOR,
            "Alan Brierley",
            None,
            "",
            True,
        ),
        (
            "Head of Corporate Services",
            PostKind.HEAD_OF_SERVICE,
            "Priya Raman",
            None,
            "priya.raman@fenmoor.example.org, 01632 960550",
            True,
        ),
        (
            "ICT Service Manager",
            PostKind.REPORT_CONTACT,
            "Sam Whitlock",
            "other-officer",
            "sam.whitlock@fenmoor.example.org, 01632 960571",
            True,
        ),
    ],
}

#: Each council's report template: its implication headings in order, as
#: (standard key or None for its own, name, retired); its other sections;
#: and whether unfilled implications print "Not stated".
REPORT_TEMPLATES = {
    "ashcombe": {
        "implications": [
            ("financial", "Financial", False),
            ("legal", "Legal", False),
            ("risk", "Risk", False),
            ("crime-and-disorder", "Crime and disorder (section 17)", False),
            ("health-and-wellbeing", "Health and wellbeing", False),
            ("sustainability", "Sustainability", False),
            ("equality", "Diversity", False),
            (None, "Efficiency", False),
        ],
        "sections": ["Consultation undertaken"],
        "unfilled": "not-stated",
    },
    "fenmoor": {
        "implications": [
            ("financial", "Resource", False),
            ("legal", "Legal and governance", False),
            (None, "Safer, Cleaner and Greener", False),
            ("equality", "Equality", False),
            (None, "Data protection", False),
            ("risk", "Risk", False),
            ("crime-and-disorder", "Crime and disorder", False),
            ("sustainability", "Sustainability", False),
            ("health-and-wellbeing", "Health and wellbeing", True),
        ],
        "sections": ["Consultation undertaken", "Council plan"],
        "unfilled": "omit",
    },
}

#: The report fields the demo's specs use for the standard implications.
IMPLICATION_KEYS = {
    "financial_implications": "financial",
    "legal_implications": "legal",
    "risk_implications": "risk",
    "crime_and_disorder_implications": "crime-and-disorder",
    "health_and_wellbeing_implications": "health-and-wellbeing",
    "sustainability_implications": "sustainability",
    "equality_implications": "equality",
}

DEFAULT_IMPLICATIONS = {
    "financial_implications": (
        "None beyond those set out in the report; any spending is met from "
        "existing ICT budgets."
    ),
    "legal_implications": (
        "The head of legal services has been consulted and has no comments "
        "beyond those in the report."
    ),
    "risk_implications": (
        "The risks are recorded on the ICT and Digital service risk register "
        "and reviewed each quarter by the Digital Programme Board."
    ),
    "crime_and_disorder_implications": "None arising from this report.",
    "health_and_wellbeing_implications": "None arising from this report.",
    "sustainability_implications": "None arising from this report.",
    "equality_implications": (
        "An equality impact screening found no adverse effect on any group "
        "with a protected characteristic."
    ),
    "wards_affected": "All wards",
    "groups_affected": "Residents, businesses and council staff",
    "budget_and_policy_framework": "Within the budget and policy framework.",
}


# --- helpers -----------------------------------------------------------------


def _upsert(model, lookup, values):
    """The row matching `lookup`, created or brought up to date with `values`.

    Saved (through the history path) only when new or changed.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
    elif all(getattr(obj, field) == value for field, value in values.items()):
        return obj
    else:
        for field, value in values.items():
            setattr(obj, field, value)
    return save_with_reason(obj, user=None, reason=REASON)


def _at(day, hour, minute=0):
    """An aware datetime in Europe/London."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


class Calendar:
    """Working days of one council (weekends, bank holidays, closure days)."""

    def __init__(self, council):
        self.region = council.bank_holiday_region
        self.closures = frozenset(
            ClosureDay.objects.filter(organisation=council).values_list(
                "date", flat=True
            )
        )

    def working(self, day):
        return is_working_day(day, self.region, self.closures)

    def on_or_after(self, day):
        while not self.working(day):
            day += timedelta(days=1)
        return day

    def after(self, day):
        return self.on_or_after(day + timedelta(days=1))

    def before(self, day, count=1):
        """The `count`-th working day before `day`."""
        for _ in range(count):
            day -= timedelta(days=1)
            while not self.working(day):
                day -= timedelta(days=1)
        return day

    def meeting_day(self, day, weekday, forward=True):
        """The first `weekday` from `day` on (or back), avoiding the recess.

        Committees meet on working days, and not between Christmas and New
        Year.
        """
        step = timedelta(days=1 if forward else -1)
        while (
            day.weekday() != weekday
            or not self.working(day)
            or (day.month, day.day) >= (12, 21)
            or (day.month, day.day) <= (1, 3)
        ):
            day += step
        return day


def _anchor_day(council):
    """The day the demo was first loaded (today, the first time).

    Read from the history of the 2007 strategy report, which the first run
    creates, so that a run on a later day rebuilds the same dates.
    """
    report = Report.objects.filter(organisation=council, title=STRATEGY_2007).first()
    if report is not None:
        first = report.history.order_by("history_date").first()
        if first is not None:
            return timezone.localdate(first.history_date, LONDON)
    return timezone.localdate(timezone=LONDON)


def _financial_year_start(day):
    """The year the financial year containing `day` began (in April)."""
    return day.year if day.month >= 4 else day.year - 1


def _financial_year(start):
    """E.g. "2026–27" for the financial year starting in April 2026."""
    return f"{start}–{(start + 1) % 100:02d}"


def _long_date(day):
    return f"{day.day} {day:%B %Y}"


# --- building ------------------------------------------------------------------


def _build_committees_and_rule(slug, council):
    committees = {}
    people = ASHCOMBE_COMMITTEES if slug == "ashcombe" else FENMOOR_COMMITTEES
    for name, kind in COMMITTEES:
        kind = COMMITTEE_KINDS.get(slug, {}).get(name, kind)
        contact, members = people.get(name, ("", []))
        committees[name] = _upsert(
            Committee,
            {"organisation": council, "name": name},
            {
                "kind": kind,
                "contact_officer": contact,
                "purpose": COMMITTEE_PURPOSES[name],
            },
        )
        for member, role in members:
            _upsert(
                CommitteeMember,
                {"committee": committees[name], "name": member},
                {"role": role},
            )
    _upsert(
        CallInRule,
        {"organisation": council, "applies_from": date(2000, 1, 1)},
        CALL_IN_RULES[slug],
    )
    return committees


def _build_posts(council, specs, users):
    for name, kind, holder_name, username, contact, in_use in specs:
        holder = None
        if username is not None:
            holder = Membership.objects.get(user=users[username], organisation=council)
        _upsert(
            Post,
            {"organisation": council, "name": name},
            {
                "kind": kind,
                "holder_name": holder_name,
                "holder": holder,
                "contact": contact,
                "in_use": in_use,
            },
        )


def _build_report_template(council, spec):
    """The council's template, from the standard one it started with."""
    report_template.set_up(council)
    for position, (standard, name, retired) in enumerate(spec["implications"], 1):
        values = {"position": position, "retired": retired}
        if standard:
            lookup = {"organisation": council, "standard": standard}
            _upsert(ReportHeading, lookup, {**values, "name": name})
        else:
            lookup = {"organisation": council, "name": name}
            _upsert(ReportHeading, lookup, {**values, "kind": "implication"})
    for position, name in enumerate(spec["sections"], 1):
        _upsert(
            ReportHeading,
            {"organisation": council, "name": name},
            {"kind": "section", "position": position},
        )
    _upsert(
        ReportTemplate,
        {"organisation": council},
        {"unfilled_implications": spec["unfilled"]},
    )


def _build_reports(council, specs):
    """Reports from their specs: "report_of" and "contact" name the
    council's posts; the standard implications are given by their old field
    names, any other heading's text under "headings" ({name: text})."""
    reports = {}
    posts = {post.name: post for post in Post.objects.for_organisation(council)}
    headings = ReportHeading.objects.for_organisation(council)
    by_standard = {h.standard: h for h in headings if h.standard}
    by_name = {h.name: h for h in headings}
    for key, spec in specs.items():
        spec = {**DEFAULT_IMPLICATIONS, **spec}
        recommendations = spec.pop("recommendations")
        title = spec.pop("title")
        texts = {
            by_standard[IMPLICATION_KEYS[field]]: spec.pop(field)
            for field in list(spec)
            if field in IMPLICATION_KEYS
        }
        texts |= {
            by_name[name]: text for name, text in spec.pop("headings", {}).items()
        }
        spec["report_of"] = posts[spec["report_of"]]
        spec["contact"] = posts[spec["contact"]]
        report = _upsert(Report, {"organisation": council, "title": title}, spec)
        for heading, text in texts.items():
            if not text:
                continue
            _upsert(ReportText, {"report": report, "heading": heading}, {"text": text})
        for position, text in enumerate(recommendations, start=1):
            _upsert(
                Recommendation,
                {"report": report, "position": position},
                {"text": text},
            )
        reports[key] = report
    return reports


def _build_meetings(committees, specs, reports, today, venues):
    """Meetings and their agendas; returns {key: meeting}.

    `specs` is a list of (key, committee name, starts_at, agenda_published,
    [(item title, report key or None), ...]); the standard opening items are
    added in front.
    """
    meetings = {}
    previous = {}
    for key, committee_name, starts_at, published, items in sorted(
        specs, key=lambda spec: spec[2]
    ):
        day = timezone.localtime(starts_at, LONDON).date()
        meeting = _upsert(
            Meeting,
            {"committee": committees[committee_name], "starts_at": starts_at},
            {
                "venue": venues[committee_name],
                "status": MeetingStatus.HELD
                if day < today
                else MeetingStatus.SCHEDULED,
                "agenda_published": published,
            },
        )
        before = previous.get(committee_name)
        minutes = (
            f"Minutes of the meeting held on {_long_date(before)}"
            if before and (day - before).days < 100
            else "Minutes of the previous meeting"
        )
        agenda = [
            ("Apologies for absence", None),
            ("Declarations of interest", None),
            (minutes, None),
            *items,
        ]
        for position, (title, report_key) in enumerate(agenda, start=1):
            _upsert(
                AgendaItem,
                {"meeting": meeting, "position": position},
                {
                    "title": title,
                    "report": reports[report_key] if report_key else None,
                },
            )
        previous[committee_name] = day
        meetings[key] = meeting
    return meetings


def _build_decisions(council, specs, meetings, reports, actor):
    """Decision records, published and called in as their specs say.

    `actor` is the clerk who publishes; None publishes as the system (the
    role check skipped), for a council with no demo clerk.
    """
    as_system = actor is None
    decisions = {}
    for key, spec in specs.items():
        spec = dict(spec)
        meeting = meetings[spec.pop("meeting")]
        report = reports[spec.pop("report")]
        resolutions = spec.pop("resolutions")
        published_at = spec.pop("published_at", None)
        call_in = spec.pop("call_in", None)
        title = spec.pop("title", report.title)
        decision = DecisionRecord.objects.filter(
            organisation=council, title=title
        ).first()
        if decision is None or decision.status == DecisionStatus.DRAFT:
            decision = _upsert(
                DecisionRecord,
                {"organisation": council, "title": title},
                {
                    "meeting": meeting,
                    "report": report,
                    "decision_date": timezone.localtime(
                        meeting.starts_at, LONDON
                    ).date(),
                    "key_decision": report.key_decision,
                    "conflicts_of_interest": "None declared",
                    "dispensations": "None",
                    **spec,
                },
            )
            for position, text in enumerate(resolutions, start=1):
                _upsert(
                    Resolution,
                    {"decision": decision, "position": position},
                    {"text": text},
                )
            if published_at is not None:
                decision = DECISION_PATH.perform(
                    decision,
                    "publish",
                    actor,
                    inputs={"published_at": published_at},
                    comment=REASON,
                    as_system=as_system,
                )
        if call_in is not None and decision.status == DecisionStatus.PUBLISHED:
            decision = DECISION_PATH.perform(
                decision,
                "call_in",
                actor,
                inputs=call_in,
                comment=REASON,
                as_system=as_system,
            )
        decisions[key] = decision
    return decisions


def send_demo_papers(meeting, user, today=None):
    """Keep the papers of a demo meeting's published agenda as they are now
    (see `considered.py`), as if sent a week before the meeting; once only:
    a meeting whose papers were sent is left alone."""
    from .considered import send_papers

    if not meeting.agenda_published or meeting.considered_papers.exists():
        return
    now = timezone.now()
    if today is not None:  # no later than the day the demo is built for
        now = min(now, _at(today, 9))
    sent_at = min(meeting.starts_at - timedelta(days=7), now)
    send_papers(meeting, user=user, at=sent_at, published_now=True)


def finish(demo):
    """Every published agenda's papers not sent at their moment in the
    story (the strategy and workplan demos send theirs before the records
    they present move on), sent now, oldest first."""
    for slug, council in demo.councils.items():
        clerk = demo.users["clerk"] if slug == "ashcombe" else None
        meetings = Meeting.objects.for_organisation(council).filter(
            agenda_published=True
        )
        for meeting in meetings.order_by("starts_at"):
            send_demo_papers(meeting, clerk, demo.today)


def build(demo):
    for slug, council in demo.councils.items():
        _build_posts(council, POSTS[slug], demo.users)
        _build_report_template(council, REPORT_TEMPLATES[slug])
    committees = {
        slug: _build_committees_and_rule(slug, council)
        for slug, council in demo.councils.items()
    }
    if demo.today is None:
        demo.today = _anchor_day(demo.councils["ashcombe"])
    today = demo.today
    _build_ashcombe(demo.councils["ashcombe"], committees["ashcombe"], demo, today)
    _build_fenmoor(demo.councils["fenmoor"], committees["fenmoor"], today)


# --- Ashcombe Borough Council ----------------------------------------------------


def _build_ashcombe(council, committees, demo, today):
    calendar = Calendar(council)

    # Decisions of the latest Cabinet are published two working days ago, so
    # their call-in period (five working days, the day of publication
    # counting) is still running today; the call-in came the day after.
    published_on = calendar.before(today, 2)
    called_in_on = calendar.after(published_on)
    latest_cabinet = calendar.before(published_on)
    while latest_cabinet.weekday() > 3:  # Cabinet meets Monday to Thursday
        latest_cabinet = calendar.before(latest_cabinet)

    def cabinet(months):
        """The Cabinet meeting `months` (of four weeks) from the latest one."""
        if months == 0:
            return latest_cabinet
        day = latest_cabinet + timedelta(weeks=4 * months)
        return calendar.meeting_day(day, latest_cabinet.weekday(), months > 0)

    def relative(days, weekday):
        day = today + timedelta(days=days)
        return calendar.meeting_day(day, weekday, days > 0)

    fy_start = _financial_year_start(today)
    fy = _financial_year(fy_start)
    next_fy = _financial_year(fy_start + 1)
    strategy_start = fy_start + 1
    strategy = f"ICT and Digital Strategy {strategy_start}–{strategy_start + 4}"

    days = {
        "cabinet-2007": date(2007, 9, 27),
        **{f"cabinet{m:+d}": cabinet(m) for m in (-3, -2, -1, 0, 1, 2)},
        # Scrutiny meets on Wednesdays, Finance and Performance on Mondays.
        "scrutiny-47": relative(-47, 2),
        "scrutiny-19": relative(-19, 2),
        "scrutiny+8": relative(8, 2),
        "scrutiny+36": relative(36, 2),
        "finance-41": relative(-41, 0),
        "finance-13": relative(-13, 0),
        "finance+6": relative(6, 0),
        "finance+34": relative(34, 0),
        # When the exempt demo report and decision part are next reviewed.
        "exempt-review": calendar.on_or_after(today + timedelta(days=30)),
    }

    reports = _build_reports(
        council, _ashcombe_reports(days, fy, strategy, strategy_start)
    )

    specs = [
        ("cabinet-2007", CABINET, _at(days["cabinet-2007"], 19), True, [
            (STRATEGY_2007, "strategy-2007"),
        ]),
        ("cabinet-3", CABINET, _at(days["cabinet-3"], 18, 30), True, [
            ("Forward plan of key decisions", None),
        ]),
        ("cabinet-2", CABINET, _at(days["cabinet-2"], 18, 30), True, [
            ("Migration of the council's servers to cloud hosting", "cloud"),
        ]),
        ("cabinet-1", CABINET, _at(days["cabinet-1"], 18, 30), True, [
            ("Revised Information Security Policy", "security-policy"),
        ]),
        ("cabinet+0", CABINET, _at(days["cabinet+0"], 18, 30), True, [
            ("Laptop and mobile device refresh programme", "devices"),
            ("Replacement of the telephony platform", "telephony"),
            ("Urgent replacement of the network firewalls", "firewalls"),
            ("Website accessibility improvement plan", "accessibility"),
        ]),
        ("cabinet+1", CABINET, _at(days["cabinet+1"], 18, 30), True, [
            (strategy, "strategy"),
            ("Award of the data centre hosting contract", "hosting"),
        ]),
        ("cabinet+2", CABINET, _at(days["cabinet+2"], 18, 30), False, [
            (f"Budget proposals {next_fy}: ICT and digital services", None),
            ("Forward plan of key decisions", None),
        ]),
        ("scrutiny-47", SCRUTINY, _at(days["scrutiny-47"], 19), True, [
            ("Digital services: resident satisfaction survey results", "survey"),
            ("Work programme", None),
        ]),
        ("scrutiny-19", SCRUTINY, _at(days["scrutiny-19"], 19), True, [
            ("Cyber security annual assurance report", "cyber"),
            ("Work programme", None),
        ]),
        ("scrutiny+8", SCRUTINY, _at(days["scrutiny+8"], 19), True, [
            ("Call-in: Replacement of the telephony platform", "telephony"),
            (f"{strategy}: pre-decision scrutiny", "strategy"),
            ("Work programme", None),
        ]),
        ("scrutiny+36", SCRUTINY, _at(days["scrutiny+36"], 19), False, [
            ("Work programme", None),
        ]),
        ("finance-41", FINANCE, _at(days["finance-41"], 18, 30), True, [
            ("ICT contracts register: annual review", "contracts"),
        ]),
        ("finance-13", FINANCE, _at(days["finance-13"], 18, 30), True, [
            (f"ICT workplan {fy} mid-year review", "workplan"),
        ]),
        ("finance+6", FINANCE, _at(days["finance+6"], 18, 30), True, [
            ("ICT capital programme monitoring", "capital"),
        ]),
        ("finance+34", FINANCE, _at(days["finance+34"], 18, 30), False, [
            (f"Draft ICT revenue budget {next_fy}", None),
        ]),
    ]  # fmt: skip
    meetings = _build_meetings(committees, specs, reports, today, ASHCOMBE_VENUES)

    first_working_day_after = {
        key: _at(calendar.after(days[key]), 10) for key in ("cabinet-2", "cabinet-1")
    }
    decisions = _ashcombe_decisions(
        published_recent=_at(published_on, 10),
        published_after=first_working_day_after,
        called_in_at=_at(called_in_on, 14, 15),
        exempt_review_on=days["exempt-review"],
    )
    _build_decisions(council, decisions, meetings, reports, demo.users["clerk"])


def _ashcombe_reports(days, fy, strategy, strategy_start):
    def okafor(**fields):
        return {
            "report_of": DIRECTOR_OF_RESOURCES,
            "contact": HEAD_OF_ICT,
            **fields,
        }

    def notice(key, clear_days=35):
        return days[key] - timedelta(days=clear_days + 1)

    return {
        "strategy-2007": {
            "title": STRATEGY_2007,
            "report_of": DIRECTOR_OF_RESOURCES,
            "contact": "Head of IT Services",
            "key_decision": True,
            "forward_plan_notice_on": date(2007, 8, 16),
            "purpose": (
                "To ask Cabinet to approve the council's ICT Strategy for 2007 "
                "to 2011, which sets out how information and communications "
                "technology will support the council's priorities over the next "
                "four years."
            ),
            "summary": (
                "The current ICT strategy ends in March 2008. The new strategy "
                "was drawn up with service managers and the Cabinet Member for "
                "Resources and has four themes: a resilient and secure network; "
                "joined-up access for residents through the contact centre and "
                "the website; flexible working for staff; and better sharing of "
                "information with partner organisations. A delivery plan for "
                "the first two years is at Annex A."
            ),
            "reasons": (
                "An up-to-date strategy gives a clear basis for setting "
                "priorities within the ICT capital programme and supports the "
                "council's efficiency targets."
            ),
            "other_options": (
                "Rolling the existing strategy forward for a further year was "
                "considered and rejected: it predates the contact centre and "
                "does not plan for the replacement of the council's ageing "
                "servers."
            ),
            "financial_implications": (
                "The strategy is delivered within the approved ICT capital "
                "programme of £1.2m over four years and existing revenue "
                "budgets. Any single project over £100,000 will come to Cabinet "
                "for approval."
            ),
            "legal_implications": (
                "No direct legal implications. Projects arising from the "
                "strategy will comply with the Data Protection Act 1998 and the "
                "council's contract procedure rules."
            ),
            "risk_implications": (
                "The main risks are the capacity of the IT team and reliance on "
                "a small number of suppliers. Both are on the corporate risk "
                "register and will be monitored by the ICT programme board."
            ),
            "crime_and_disorder_implications": (
                "Better sharing of information with the community safety "
                "partnership is one of the strategy's aims."
            ),
            "sustainability_implications": (
                "Consolidating servers and replacing old desktop computers will "
                "reduce the council's electricity use."
            ),
            "equality_implications": (
                "An equality impact assessment has been completed. Telephone "
                "and face-to-face access remain for residents who do not use "
                "the internet."
            ),
            "background_papers": (
                "ICT Strategy 2003–2007; notes of the service manager workshops "
                "held in June 2007."
            ),
            "annexes": "Annex A: ICT Strategy 2007–2011 and delivery plan.",
            "headings": {
                "Efficiency": (
                    "Replacing the council's servers and moving forms online "
                    "support the efficiency targets in the medium-term "
                    "financial plan."
                ),
                "Consultation undertaken": (
                    "Service managers in workshops in June 2007, and the "
                    "Cabinet Member for Resources."
                ),
            },
            "recommendations": [
                "That Cabinet approves the ICT Strategy 2007–2011 at Annex A.",
                "That the Director of Resources, in consultation with the "
                "Cabinet Member for Resources, is authorised to make minor "
                "changes to the delivery plan.",
                "That progress against the strategy is reported each year to "
                "the Overview and Scrutiny Committee.",
            ],
        },
        "cloud": okafor(
            title="Migration of the council's servers to cloud hosting",
            key_decision=True,
            forward_plan_notice_on=notice("cabinet-2"),
            purpose=(
                "To seek approval to move the council's remaining on-premises "
                "servers to a cloud hosting service and close the Civic Centre "
                "data room."
            ),
            summary=(
                "Most of the council's business systems still run on servers in "
                "the Civic Centre basement. The hardware is out of warranty, the "
                "cooling plant needs replacing, and the room flooded twice last "
                "winter. A procurement through a public sector framework has "
                "identified a hosting service that meets the council's security "
                "and recovery requirements."
            ),
            reasons=(
                "Cloud hosting removes a single point of failure, avoids £140,000 "
                "of plant replacement and improves recovery times for critical "
                "systems from days to hours."
            ),
            other_options=(
                "Refurbishing the data room was rejected as costlier over five "
                "years. Sharing a data centre with a neighbouring council was "
                "explored but no suitable space is available before 2029."
            ),
            financial_implications=(
                "One-off migration costs of £185,000 are met from the ICT capital "
                "programme. Annual hosting charges of £96,000 are partly offset "
                "by savings of £71,000 on power, cooling and maintenance; the net "
                "revenue cost of £25,000 is in the medium-term financial plan."
            ),
            legal_implications=(
                "The contract is called off from a compliant framework. The "
                "hosting agreement includes data processing terms meeting UK GDPR "
                "and keeps all data within the United Kingdom."
            ),
            risk_implications=(
                "Migration will be phased, with each system tested in parallel "
                "before cut-over. Loss of the internet link is mitigated by two "
                "separate connections from different providers."
            ),
            sustainability_implications=(
                "The provider's data centres run on renewable electricity; "
                "closing the data room reduces the Civic Centre's energy use by "
                "about 8%."
            ),
            recommendations=[
                "That Cabinet approves the migration of the council's servers to "
                "cloud hosting as described in the report.",
                "That the Director of Resources is authorised to award the "
                "hosting contract for five years with an option to extend by two.",
                "That the Civic Centre data room is decommissioned once migration "
                "is complete.",
            ],
        ),
        "security-policy": okafor(
            title="Revised Information Security Policy",
            purpose=(
                "To adopt a revised Information Security Policy for staff and "
                "councillors."
            ),
            summary=(
                "The policy has been rewritten in plain English and updated for "
                "hybrid working, multi-factor authentication and the use of "
                "personal devices. It now applies to councillors as well as staff."
            ),
            reasons=(
                "The current policy dates from 2019 and no longer reflects how "
                "the council works; the internal auditors recommended a review."
            ),
            other_options=(
                "Minor amendments to the existing policy were considered but "
                "would have left it hard to follow."
            ),
            legal_implications=(
                "The policy supports the council's duties under UK GDPR and the "
                "Data Protection Act 2018."
            ),
            recommendations=[
                "That Cabinet adopts the revised Information Security Policy at "
                "Annex A.",
                "That all staff and councillors complete the updated security "
                "awareness training within three months.",
            ],
            annexes="Annex A: Information Security Policy (revised).",
        ),
        "devices": okafor(
            title="Laptop and mobile device refresh programme",
            key_decision=True,
            forward_plan_notice_on=notice("cabinet+0"),
            purpose=(
                "To approve a three-year programme to replace staff laptops and "
                "mobile phones."
            ),
            summary=(
                "About 620 laptops reach the end of their supported life next "
                "year and will no longer receive security updates. The programme "
                "replaces them in three tranches, starting with front-line "
                "services, and standardises on two laptop models and one phone."
            ),
            reasons=(
                "Unsupported devices are a security risk and slow down staff. "
                "A planned refresh is cheaper than replacing failed devices "
                "one at a time."
            ),
            other_options=(
                "Extending the life of current devices by a year was rejected on "
                "security grounds. Leasing was costed but was 18% dearer over "
                "the period."
            ),
            financial_implications=(
                "The programme costs £690,000 over three years, within the "
                "approved ICT capital programme. Old devices will be securely "
                "wiped and sold, returning an estimated £35,000."
            ),
            sustainability_implications=(
                "Devices will be bought to a recognised environmental standard; "
                "old equipment is reused or recycled through a certified partner."
            ),
            recommendations=[
                "That Cabinet approves the laptop and mobile device refresh programme.",
                "That the Director of Resources is authorised to place orders "
                "through the national technology products framework.",
            ],
        ),
        "telephony": okafor(
            title="Replacement of the telephony platform",
            key_decision=True,
            forward_plan_notice_on=notice("cabinet+0", 42),
            purpose=(
                "To approve the replacement of the council's telephone system, "
                "including the contact centre, with a cloud-based platform."
            ),
            summary=(
                "The telephone system was installed in 2012 and its manufacturer "
                "ends support next year. The proposed platform integrates calls "
                "with the council's collaboration software, supports home working "
                "and gives the contact centre call-back and queue information for "
                "residents."
            ),
            reasons=(
                "Support for the current system ends next year, and the analogue "
                "lines it relies on are being withdrawn nationally."
            ),
            other_options=(
                "Replacing like for like with an on-site system was rejected as "
                "it would not support home working. Using only the collaboration "
                "software's calling features was rejected because it lacks "
                "contact centre functions."
            ),
            financial_implications=(
                "Implementation costs £120,000 from the ICT capital programme. "
                "Running costs of £88,000 a year are £12,000 lower than the "
                "current maintenance and line rental."
            ),
            risk_implications=(
                "Cut-over of the contact centre is the main risk; it will be done "
                "out of hours with the old system kept available for two weeks."
            ),
            equality_implications=(
                "An equality impact assessment has been completed. The main "
                "telephone number stays the same and the text relay service "
                "remains available."
            ),
            recommendations=[
                "That Cabinet approves the replacement of the telephony platform "
                "with a cloud-based service.",
                "That the Director of Resources is authorised to award a "
                "four-year contract following the further competition described "
                "in the report.",
                "That the contact centre's performance is reported to the Finance "
                "and Performance Committee six months after cut-over.",
            ],
        ),
        "firewalls": okafor(
            title="Urgent replacement of the network firewalls",
            key_decision=True,
            urgent_decision=True,
            urgency_route=UrgencyRoute.SPECIAL_URGENCY,
            urgency_reason=(
                "The manufacturer has withdrawn security updates for the "
                "council's firewalls with two weeks' notice after a serious "
                "vulnerability was found. Waiting for 28 clear days' notice or "
                "the call-in period would leave the network exposed."
            ),
            purpose=(
                "To approve, as an urgent decision, the immediate replacement of "
                "the council's network firewalls."
            ),
            summary=(
                "The firewalls protecting the council's network will stop "
                "receiving security updates at the end of this month. "
                "Replacement devices can be supplied and installed within ten "
                "working days from an existing framework supplier."
            ),
            reasons=(
                "Running firewalls without security updates would breach the "
                "council's obligations for connection to the public services "
                "network and leave systems open to attack."
            ),
            other_options=(
                "Isolating systems behind the existing devices was considered as "
                "a stopgap but would have cut off home workers."
            ),
            financial_implications=(
                "The cost of £64,000 is met from the ICT capital contingency. "
                "The Chair of the Overview and Scrutiny Committee agreed that the "
                "decision is urgent and cannot reasonably be deferred."
            ),
            risk_implications=(
                "Delay leaves the network without security updates; the supplier "
                "has reserved stock for the council until the end of the week."
            ),
            recommendations=[
                "That Cabinet approves the immediate replacement of the network "
                "firewalls at a cost of up to £64,000.",
                "That the decision is treated as urgent and exempt from call-in, "
                "with the agreement of the Chair of the Overview and Scrutiny "
                "Committee.",
            ],
        ),
        "accessibility": okafor(
            title="Website accessibility improvement plan",
            purpose=(
                "To agree a plan to fix the accessibility problems found on the "
                "council's website and online forms."
            ),
            summary=(
                "An independent audit found 46 issues, 9 of them serious, mostly "
                "in older online forms and PDF documents. The plan fixes the "
                "serious issues within three months and the rest within a year."
            ),
            reasons=(
                "Public sector websites must meet the accessibility regulations, "
                "and about one resident in five has a disability or long-term "
                "condition that affects how they use the web."
            ),
            other_options="Doing nothing was rejected: it would breach the law.",
            equality_implications=(
                "The plan improves access for disabled residents; residents who "
                "cannot use an online form can still phone or visit."
            ),
            recommendations=[
                "That Cabinet agrees the website accessibility improvement plan.",
                "That the updated accessibility statement is published on the "
                "council's website.",
            ],
        ),
        "strategy": okafor(
            title=strategy,
            key_decision=True,
            forward_plan_notice_on=notice("cabinet+1", 56),
            purpose=(
                f"To ask Cabinet to approve the {strategy}, which replaces the "
                "current strategy and sets the direction for ICT and digital "
                "services over four years."
            ),
            summary=(
                "The strategy has five priorities: digital services residents "
                "prefer to use; secure and reliable technology; data used well "
                "and safely; skilled and confident staff; and value for money. "
                "It was shaped by a resident survey, staff workshops and the "
                "Overview and Scrutiny Committee, and comes with a costed "
                "delivery plan reviewed each year."
            ),
            reasons=(
                "The current strategy ends in March. A new one is needed to "
                "guide the ICT capital programme and the savings the council "
                "expects from digital services."
            ),
            other_options=(
                "Extending the current strategy for a year was considered; it "
                "would delay decisions on several contracts that end in "
                f"{strategy_start + 1}."
            ),
            financial_implications=(
                "Delivery is funded from the ICT capital programme of £2.4m over "
                "four years and existing revenue budgets. Projects over £250,000 "
                "will come to Cabinet for approval."
            ),
            legal_implications=(
                "No direct legal implications. Projects will be assessed for "
                "data protection, accessibility and procurement law as they start."
            ),
            risk_implications=(
                "The main risks are recruitment of skilled staff and supplier "
                "price rises. Both are on the corporate risk register."
            ),
            health_and_wellbeing_implications=(
                "Online access to services can help residents with limited "
                "mobility; the digital inclusion work supports those without "
                "internet access."
            ),
            sustainability_implications=(
                "The strategy commits to cutting the carbon footprint of the "
                "council's technology by a quarter by the end of the period."
            ),
            equality_implications=(
                "An equality impact assessment has been completed; the strategy "
                "keeps telephone and face-to-face access and funds digital "
                "skills sessions in libraries."
            ),
            budget_and_policy_framework=(
                "The strategy is a Cabinet policy within the budget and policy "
                "framework."
            ),
            background_papers=(
                "Resident digital survey results; notes of staff workshops."
            ),
            annexes=(
                f"Annex A: {strategy}. Annex B: Delivery plan. "
                "Annex C: Equality impact assessment."
            ),
            recommendations=[
                f"That Cabinet approves the {strategy} at Annex A.",
                "That Cabinet notes the delivery plan at Annex B.",
                "That the Director of Resources reports progress to Cabinet each year.",
            ],
        ),
        "workplan": okafor(
            title=f"ICT workplan {fy} mid-year review",
            purpose=(
                f"To report progress on the ICT workplan for {fy} at the end of "
                "September."
            ),
            summary=(
                "Of 24 workplan projects, 15 are on track, 6 are slightly behind "
                "and 3 are delayed, mainly by supplier lead times. Spending is "
                "within budget. Service desk calls were resolved within target "
                "in 93% of cases."
            ),
            reasons="For the committee to review performance.",
            other_options="Not applicable: the report is for information.",
            recommendations=[
                "That the committee notes the progress reported.",
                "That the committee asks for an update on the three delayed "
                "projects at its next meeting.",
            ],
        ),
        "cyber": okafor(
            title="Cyber security annual assurance report",
            purpose=(
                "To give the committee assurance about the council's cyber "
                "security arrangements."
            ),
            summary=(
                "The council passed its annual network health check, completed "
                "two incident response exercises and raised the staff phishing "
                "test pass rate from 81% to 92%."
            ),
            reasons="For the committee's scrutiny of cyber security.",
            other_options="Not applicable: the report is for information.",
            recommendations=["That the committee notes the report."],
        ),
        "survey": okafor(
            title="Digital services: resident satisfaction survey results",
            purpose="To present the results of this year's resident survey.",
            summary=(
                "1,312 residents responded. 74% were satisfied with the council's "
                "online services, up from 69%; the most common complaint was "
                "having to phone to follow up an online request."
            ),
            reasons="For the committee to comment on the findings.",
            other_options="Not applicable: the report is for information.",
            recommendations=[
                "That the committee notes the survey results.",
                "That the committee's comments are taken into account in the "
                "new ICT and Digital Strategy.",
            ],
        ),
        "contracts": okafor(
            title="ICT contracts register: annual review",
            purpose="To review the council's ICT contracts and their end dates.",
            summary=(
                "The council holds 38 ICT contracts worth £2.1m a year. Eleven "
                "end within two years; procurement plans for each are set out."
            ),
            reasons="For the committee to check value for money.",
            other_options="Not applicable: the report is for information.",
            recommendations=["That the committee notes the contracts register."],
        ),
        "capital": okafor(
            title="ICT capital programme monitoring",
            purpose="To report spending against the ICT capital programme.",
            summary=(
                "Spending to date is £412,000 against a budget of £1.05m for the "
                "year; £180,000 of the device refresh is expected to slip into "
                "next year."
            ),
            reasons="For the committee to monitor the capital programme.",
            other_options="Not applicable: the report is for information.",
            recommendations=[
                "That the committee notes the capital programme position.",
                "That the committee recommends to Cabinet the re-phasing of "
                "£180,000 into next year.",
            ],
        ),
        # Exempt information (docs/exempt-information.md): the public sees
        # the item on the next Cabinet's agenda with "Not for publication:
        # exempt under paragraph 3" and none of its content.
        "hosting": okafor(
            title="Award of the data centre hosting contract",
            key_decision=True,
            forward_plan_notice_on=notice("cabinet+1"),
            purpose=(
                "To award a five-year contract for hosting the council's "
                "remaining on-site servers in a commercial data centre."
            ),
            summary=(
                "Three bids were received through the Crown Commercial Service "
                "framework. The evaluation scored each bid on price, service "
                "levels and the supplier's plan for moving the servers; the "
                "scores and the prices tendered are at Annex A."
            ),
            reasons=(
                "The council's own server room needs a new cooling plant and "
                "power supply within two years; hosting avoids that cost."
            ),
            other_options=(
                "Refurbishing the server room was costed and rejected; moving "
                "straight to cloud hosting is not yet possible for three "
                "line-of-business systems."
            ),
            recommendations=[
                "That Cabinet awards the data centre hosting contract to the "
                "highest-scoring bidder named at Annex A.",
            ],
            annexes="Annex A: Evaluation scores and prices tendered.",
            exempt=True,
            exempt_paragraph="3",
            exempt_reason=(
                "The report names the bidders and the prices they tendered. "
                "Publishing them before the contract is signed could weaken "
                "the council's position if the preferred bidder withdraws, so "
                "the public interest in keeping them exempt outweighs the "
                "public interest in disclosing them."
            ),
            exempt_review_on=days["exempt-review"],
            exempt_title_publishable=True,
        ),
    }


def _ashcombe_decisions(
    published_recent, published_after, called_in_at, exempt_review_on
):
    cabinet = "Cabinet considered the report of the Director of Resources"
    member = "Councillor Helen Marsh, Cabinet Member for Resources"
    return {
        "strategy-2007": {
            "title": STRATEGY_2007,
            "meeting": "cabinet-2007",
            "report": "strategy-2007",
            "record": (
                f"{cabinet} seeking approval of the ICT Strategy 2007–2011. The "
                "Cabinet Member for Resources introduced the report and answered "
                "questions on the costs of flexible working."
            ),
            "reasons": (
                "The current strategy ends in March 2008, and the new strategy "
                "gives a basis for prioritising investment in the ICT capital "
                "programme."
            ),
            "alternatives_rejected": (
                "Rolling the existing strategy forward for a year, rejected "
                "because it does not address the replacement of the council's "
                "servers."
            ),
            "resolutions": [
                "That the ICT Strategy 2007–2011 be approved.",
                "That the Director of Resources, in consultation with the "
                "Cabinet Member for Resources, be authorised to make minor "
                "changes to the delivery plan.",
                "That progress be reported each year to the Overview and "
                "Scrutiny Committee.",
            ],
            "published_at": datetime(2007, 10, 1, 10, 0, tzinfo=LONDON),
        },
        "cloud": {
            "meeting": "cabinet-2",
            "report": "cloud",
            "record": (
                f"{cabinet} on moving the council's servers to cloud hosting. "
                f"{member}, introduced the report."
            ),
            "reasons": (
                "The data room's hardware and cooling need replacing; cloud "
                "hosting is cheaper over five years and more resilient."
            ),
            "alternatives_rejected": (
                "Refurbishing the data room; sharing a neighbouring council's "
                "data centre."
            ),
            "resolutions": [
                "That the migration of the council's servers to cloud hosting "
                "be approved.",
                "That the Director of Resources be authorised to award the "
                "hosting contract for five years with an option to extend by two.",
                "That the Civic Centre data room be decommissioned once "
                "migration is complete.",
            ],
            "published_at": published_after["cabinet-2"],
        },
        "security-policy": {
            "meeting": "cabinet-1",
            "report": "security-policy",
            "record": f"{cabinet} presenting a revised Information Security Policy.",
            "reasons": (
                "The current policy is out of date and the internal auditors "
                "recommended a review."
            ),
            "alternatives_rejected": "Minor amendments to the existing policy.",
            "resolutions": [
                "That the revised Information Security Policy be adopted.",
                "That all staff and councillors complete the updated security "
                "awareness training within three months.",
            ],
            "published_at": published_after["cabinet-1"],
        },
        "devices": {
            "meeting": "cabinet+0",
            "report": "devices",
            "record": (
                f"{cabinet} proposing a three-year programme to replace staff "
                f"laptops and mobile phones. {member}, introduced the report."
            ),
            "reasons": (
                "Most laptops will stop receiving security updates next year; a "
                "planned refresh is cheaper and safer than ad hoc replacement."
            ),
            "alternatives_rejected": (
                "Extending the life of current devices; leasing devices."
            ),
            "resolutions": [
                "That the laptop and mobile device refresh programme be approved.",
                "That the Director of Resources be authorised to place orders "
                "through the national technology products framework.",
            ],
            # An exempt part (docs/exempt-information.md): printed for the
            # council's members and staff; the public see the notice.
            "exempt_part": (
                "Cabinet noted the unit prices quoted by the three framework "
                "suppliers and agreed a ceiling of £1,050 a laptop, including "
                "three years' on-site support."
            ),
            "exempt": True,
            "exempt_paragraph": "3",
            "exempt_reason": (
                "The prices quoted would prejudice the council's negotiating "
                "position for the later tranches of the programme, which "
                "outweighs the public interest in disclosing them now."
            ),
            "exempt_review_on": exempt_review_on,
            "published_at": published_recent,
        },
        "telephony": {
            "meeting": "cabinet+0",
            "report": "telephony",
            "record": (
                f"{cabinet} on replacing the council's telephone system. "
                f"{member}, introduced the report. Members asked about the "
                "effect on residents who phone the contact centre."
            ),
            "reasons": (
                "Support for the current system ends next year and the lines it "
                "uses are being withdrawn."
            ),
            "alternatives_rejected": (
                "A like-for-like on-site system; calling features of the "
                "collaboration software alone."
            ),
            "resolutions": [
                "That the replacement of the telephony platform with a "
                "cloud-based service be approved.",
                "That the Director of Resources be authorised to award a "
                "four-year contract following further competition.",
                "That the contact centre's performance be reported to the "
                "Finance and Performance Committee six months after cut-over.",
            ],
            "published_at": published_recent,
            "call_in": {"called_in_by": CALLED_IN_BY, "called_in_at": called_in_at},
        },
        "firewalls": {
            "meeting": "cabinet+0",
            "report": "firewalls",
            "record": (
                f"{cabinet} on the urgent replacement of the network firewalls, "
                "taken as an urgent item."
            ),
            "reasons": (
                "The firewalls will stop receiving security updates at the end "
                "of the month, leaving the network exposed."
            ),
            "alternatives_rejected": (
                "Isolating systems behind the existing devices, which would "
                "have cut off home workers."
            ),
            "urgent": True,
            "urgency_reason": (
                "Any delay, including the call-in period, would leave the "
                "council's network without security updates. The Chair of the "
                "Overview and Scrutiny Committee agreed that the decision is "
                "urgent."
            ),
            "resolutions": [
                "That the immediate replacement of the network firewalls at a "
                "cost of up to £64,000 be approved.",
                "That the decision be treated as urgent and not subject to call-in.",
            ],
            "published_at": published_recent,
        },
        "accessibility": {
            "meeting": "cabinet+0",
            "report": "accessibility",
            "record": (
                f"{cabinet} setting out a plan to fix the accessibility "
                "problems found on the council's website."
            ),
            "reasons": (
                "The website must meet the accessibility regulations and serve "
                "disabled residents well."
            ),
            "alternatives_rejected": "Doing nothing.",
            "resolutions": [
                "That the website accessibility improvement plan be agreed.",
                "That the updated accessibility statement be published.",
            ],
        },
    }


# --- Fenmoor District Council ----------------------------------------------------


def _build_fenmoor(council, committees, today):
    # Fenmoor letters its recommendations and resolutions (a), (b), (c).
    if not NumberingSettings.objects.filter(organisation=council).exists():
        save_with_reason(
            NumberingSettings(organisation=council, recommendations="letters"),
            user=None,
            reason=REASON,
        )
    calendar = Calendar(council)
    # Fenmoor's Cabinet meets on Wednesdays, its scrutiny committee on Thursdays.
    held = calendar.meeting_day(today - timedelta(days=14), 2, forward=False)
    upcoming = calendar.meeting_day(today + timedelta(days=15), 2)
    scrutiny = calendar.meeting_day(today + timedelta(days=9), 3)
    start = _financial_year_start(today) + 1
    title = f"Digital Strategy {start}–{start + 3}"

    reports = _build_reports(
        council,
        {
            "strategy": {
                "title": title,
                "report_of": "Head of Corporate Services",
                "contact": "ICT Service Manager",
                "key_decision": True,
                "forward_plan_notice_on": held - timedelta(days=40),
                "purpose": f"To approve Fenmoor District Council's {title}.",
                "summary": (
                    "The strategy focuses on online services for planning, "
                    "waste and council tax, a single customer account, and "
                    "joint ICT procurement with neighbouring districts."
                ),
                "reasons": (
                    "The previous strategy has ended; the new one sets the "
                    "priorities for the ICT budget."
                ),
                "other_options": (
                    "Adopting the county council's strategy unchanged was "
                    "considered but does not fit district services."
                ),
                "financial_implications": (
                    "Delivered within the existing ICT budget of £780,000 a year "
                    "and a capital allocation of £450,000."
                ),
                "groups_affected": "Residents, businesses and parish councils",
                "health_and_wellbeing_implications": "",
                "headings": {
                    "Safer, Cleaner and Greener": (
                        "Reporting fly-tipping and missed bins online is part "
                        "of the strategy's first theme."
                    ),
                    "Consultation undertaken": (
                        "Parish councils, a residents' survey and the "
                        "council's scrutiny committee."
                    ),
                    "Council plan": (
                        "Supports the council plan's priority of services "
                        "that are easy to reach."
                    ),
                },
                "recommendations": [
                    f"That Cabinet approves the {title}.",
                    "That the Head of Corporate Services reports progress each year.",
                ],
            },
        },
    )
    specs = [
        ("cabinet-held", CABINET, _at(held, 18, 30), True, [(title, "strategy")]),
        ("scrutiny", SCRUTINY, _at(scrutiny, 19), True, [("Work programme", None)]),
        ("cabinet-next", CABINET, _at(upcoming, 18, 30), False, [
            ("Revenue budget monitoring", None),
        ]),
    ]  # fmt: skip
    venues = dict.fromkeys(committees, FENMOOR_VENUE)
    meetings = _build_meetings(committees, specs, reports, today, venues)
    _build_decisions(
        council,
        {
            "strategy": {
                "meeting": "cabinet-held",
                "report": "strategy",
                "record": (
                    "Cabinet considered the report of the Head of Corporate "
                    f"Services seeking approval of the {title}."
                ),
                "reasons": (
                    "The new strategy sets the council's ICT priorities and "
                    "supports joint procurement with neighbouring councils."
                ),
                "alternatives_rejected": (
                    "Adopting the county council's strategy unchanged."
                ),
                "resolutions": [
                    f"That the {title} be approved.",
                    "That the Head of Corporate Services report progress each year.",
                ],
                "published_at": _at(calendar.after(held), 10),
            },
        },
        meetings,
        reports,
        actor=None,
    )
