"""The demo workplan: Ashcombe's ICT workplan 2022–23, approved by Cabinet.

Called by `manage.py load_demo` after `strategy/demo.py` (see
`governance/demo.py`). Ashcombe Borough Council gets its departments and the
2022–23 workplan of "Digital Ashcombe", the revised ICT Strategy 2020–2022:
35 items across the strategy's seven themes, with their departments, lead
officer, sponsor, dates, budget and progress as reported at the end of the
year, and a few milestones.

The workplan goes through the shared lifecycle as the strategy did: the
officer sends it to the Overview and Scrutiny Committee of 9 March 2022, the
clerk records that the committee endorsed it, and the clerk records its
approval by the Cabinet decision of 22 March 2022 (published two days later,
naming the workplan). Before its first review the plan is varied: an item
re-scheduled (agreed with the Digital Programme Board on 14 July 2022), one
removed (agreed with the Cabinet Member for Resources on 6 September 2022)
and one added, ICT-22-36, agreed by the Head of ICT and Digital under the
powers the council has delegated to him, on 15 August 2022.

Running the demo again changes nothing: departments are looked up by council
and name, the workplan by strategy and year, an item by workplan and
reference, a milestone by item and title; content is brought up to date only
while the workplan is a draft, and a transition already taken is not taken
again. Everything here is fictional: the council, the people and the numbers.
"""

from datetime import date
from decimal import Decimal

from decisions.choices import CommitteeKind
from decisions.demo import (
    ASHCOMBE_VENUES,
    CABINET,
    HEAD_OF_ICT,
    SCRUTINY,
    _at,
    _build_meetings,
    _build_reports,
    send_demo_papers,
)
from decisions.demo import FINANCE as FINANCE_COMMITTEE
from decisions.models import AgendaItem, Committee, Meeting
from decisions.report_subjects import present
from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus, ScrutinyOutcome
from governance.routes import RecordType, Route, Scrutiny
from strategy.demo import STRATEGY_2020, _committees, _decision, _membership
from strategy.models import Strategy

from . import variations
from .choices import Confidence, DeliveryStatus, Rag, WorkType
from .lifecycle import ITEM_LIFECYCLE, WORKPLAN_LIFECYCLE
from .models import (
    Department,
    Milestone,
    Variation,
    VariationSettings,
    Workplan,
    WorkplanItem,
    WorkplanSettings,
)
from .reviews import record_update

REASON = "Demo data"

S = LifecycleStatus
C, ED, FW = Confidence.CONFIDENT, Confidence.EARLY_DISCOVERY, Confidence.FUTURE_WORKS
STATUTORY, URGENT, SERVICE_PLAN = (
    WorkType.STATUTORY,
    WorkType.URGENT,
    WorkType.SERVICE_PLAN,
)
NOT_STARTED, IN_PROGRESS, COMPLETE, ON_HOLD, CANCELLED = (
    DeliveryStatus.NOT_STARTED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.COMPLETE,
    DeliveryStatus.ON_HOLD,
    DeliveryStatus.CANCELLED,
)
RED, AMBER, GREEN = Rag.RED, Rag.AMBER, Rag.GREEN

YEAR = 2022
TITLE = "ICT workplan 2022–23"
#: The workplan's own title, as Ashcombe's papers call it.
WORKPLAN_TITLE = "Annual ICT Workplan 2022–2023"

# --- departments -------------------------------------------------------------------

REVENUES = "Revenues and Benefits"
PLANNING = "Planning"
HOUSING = "Housing"
ENVIRONMENT = "Environmental Services"
CUSTOMER = "Customer Services"
LEGAL = "Legal and Democratic Services"
FINANCE = "Finance"
HR = "Human Resources"

DEPARTMENTS = [REVENUES, PLANNING, HOUSING, ENVIRONMENT, CUSTOMER, LEGAL, FINANCE, HR]

# --- sponsors ----------------------------------------------------------------------

BOARD = "Digital Programme Board"
CMT = "Corporate Management Team"
IGB = "Information Governance Board"
CLIMATE = "Climate Emergency Working Group"
PORTFOLIO = "Cabinet Member for Resources"

# --- the items ---------------------------------------------------------------------
#
# Each: reference, theme (its position in the strategy), title, description,
# category, work type, departments, sponsor, start, target, budget, delivery
# status, RAG, reason for the RAG, percent complete, milestones
# [(title, due, done)].


def _item(
    ref,
    theme,
    title,
    description,
    category,
    work_type,
    departments,
    sponsor,
    start,
    target,
    budget,
    status,
    rag="",
    reason="",
    percent=0,
    milestones=(),
):
    return {
        "reference": f"ICT-22-{ref:02d}",
        "theme": theme,
        "title": title,
        "description": description,
        "category": category,
        "work_type": work_type,
        "departments": departments,
        "sponsor": sponsor,
        "start_date": start,
        "target_date": target,
        "budget": None if budget is None else Decimal(budget),
        "delivery_status": status,
        "rag": rag,
        "rag_reason": reason,
        "percent_complete": percent,
        "milestones": milestones,
    }


D = date

# fmt: off
ITEMS = [
    # 1. Services residents choose to use online
    _item(
        1, 1, "Council tax online: moving home, discounts and direct debits",
        "Replace the PDF forms for moving home, single person discount and "
        "setting up a direct debit with online forms that update the revenues "
        "system without rekeying.",
        C, SERVICE_PLAN, [REVENUES, CUSTOMER], BOARD,
        D(2022, 4, 4), D(2022, 9, 30), "48000", COMPLETE, GREEN, "", 100,
        [
            ("Moving home form live", D(2022, 6, 30), True),
            ("Direct debit form live", D(2022, 9, 30), True),
        ],
    ),
    _item(
        2, 1, "Track my request in the resident account",
        "Show residents the progress of every request made online, from "
        "receipt to completion, so that they no longer need to phone to "
        "follow it up.",
        C, SERVICE_PLAN, [CUSTOMER], BOARD,
        D(2022, 5, 3), D(2022, 12, 16), "36500", COMPLETE, GREEN, "", 100,
    ),
    _item(
        3, 1, "Garden waste subscriptions and renewals online",
        "Let residents subscribe to and renew the garden waste service online, "
        "paying by card, in time for the 2023 renewal round.",
        C, SERVICE_PLAN, [ENVIRONMENT, FINANCE], BOARD,
        D(2022, 9, 5), D(2023, 1, 31), "22000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        4, 1, "Report a housing repair online, with photographs",
        "Tenants report repairs online and attach photographs; the report goes "
        "straight to the repairs contractor's system and the tenant can track "
        "it.",
        ED, SERVICE_PLAN, [HOUSING, CUSTOMER], BOARD,
        D(2022, 7, 1), D(2023, 3, 31), "55000", IN_PROGRESS, AMBER,
        "The repairs contractor delivered its interface three months late; "
        "testing with tenants moved to February and go-live to April 2023.",
        65,
        [
            ("Contractor interface delivered", D(2022, 10, 31), True),
            ("Testing with the tenants' panel", D(2023, 2, 28), False),
        ],
    ),
    _item(
        5, 1, "Assisted digital help points in the three libraries",
        "A computer, a scanner and trained staff at each library to help "
        "residents who cannot use online services on their own.",
        C, SERVICE_PLAN, [CUSTOMER], CMT,
        D(2022, 6, 1), D(2022, 10, 31), "12000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        6, 1, "Council tax energy rebate and household support fund online",
        "Online applications and payments for the government's council tax "
        "energy rebate and the household support fund, to the deadlines the "
        "government set.",
        C, STATUTORY, [REVENUES, FINANCE], CMT,
        D(2022, 4, 1), D(2022, 6, 30), "18000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        7, 1, "Book and pay for planning pre-application advice online",
        "Replace the email and cheque process for pre-application advice with "
        "online booking and card payment.",
        ED, SERVICE_PLAN, [PLANNING], BOARD,
        D(2022, 9, 1), D(2023, 3, 31), "15000", IN_PROGRESS, AMBER,
        "Waiting for the payment provider's new interface, now due in April "
        "2023.",
        40,
    ),
    # 2. Working from anywhere
    _item(
        8, 2, "Hybrid meeting equipment for Committee Rooms 1 and 2",
        "Cameras, microphones and displays so that committee meetings can be "
        "webcast and officers can present remotely.",
        C, SERVICE_PLAN, [LEGAL], CMT,
        D(2022, 4, 11), D(2022, 8, 31), "68000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        9, 2, "Replace desk telephones with calling in the collaboration software",
        "Move 540 extensions, the contact centre and the out-of-hours service "
        "to calling through the council's collaboration software, and remove "
        "the old telephone system.",
        C, SERVICE_PLAN, [CUSTOMER, HR], BOARD,
        D(2022, 5, 9), D(2023, 2, 28), "42000", IN_PROGRESS, RED,
        "The contact centre's call queuing and recording are not yet supported; "
        "its cut-over is paused until the supplier's March release, and the "
        "old system's support has been extended for three months at £6,000.",
        70,
        [
            ("Office staff moved", D(2022, 10, 28), True),
            ("Contact centre moved", D(2023, 2, 28), False),
            ("Old telephone system removed", D(2023, 3, 31), False),
        ],
    ),
    _item(
        10, 2, "Laptop refresh, phase 2 (260 devices)",
        "Replace the laptops that stop receiving security updates in 2023, "
        "with headsets and docking stations for hybrid working.",
        C, URGENT, [HR, FINANCE], BOARD,
        D(2022, 6, 1), D(2022, 11, 30), "182000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        11, 2, "Mobile working for environmental health inspectors",
        "A tablet app for food hygiene and housing standards inspections that "
        "works offline and updates the case management system.",
        ED, SERVICE_PLAN, [ENVIRONMENT, HOUSING], BOARD,
        D(2022, 10, 3), D(2023, 3, 31), "27500", IN_PROGRESS, AMBER,
        "The pilot found problems synchronising inspections recorded offline; "
        "the supplier's fix is being tested.",
        35,
    ),
    _item(
        12, 2, "Devices and accounts for councillors elected in May 2022",
        "Laptops, accounts and training for the councillors elected at the "
        "borough elections, ready for the annual council meeting.",
        C, STATUTORY, [LEGAL], CMT,
        D(2022, 4, 19), D(2022, 5, 31), "9500", COMPLETE, GREEN, "", 100,
    ),
    # 3. Secure and resilient technology
    _item(
        13, 3, "Cyber Essentials Plus reassessment",
        "Annual independent assessment against Cyber Essentials Plus, and "
        "fixing anything it finds.",
        C, STATUTORY, [FINANCE], CMT,
        D(2022, 9, 1), D(2022, 12, 16), "14000", COMPLETE, GREEN, "", 100,
        [("Certificate issued", D(2022, 12, 16), True)],
    ),
    _item(
        14, 3, "Backups that cannot be altered, and recovery tests twice a year",
        "Immutable copies of the backups of every business system, and a "
        "recovery test of the critical systems each half-year.",
        C, URGENT, [FINANCE], BOARD,
        D(2022, 4, 4), D(2022, 10, 28), "46000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        15, 3, "Move the revenues and benefits system to a hosted service",
        "Move the revenues and benefits system to the supplier's hosted "
        "service with its new version, as rescheduled by the 2021 amendment "
        "to the strategy.",
        C, SERVICE_PLAN, [REVENUES, FINANCE], BOARD,
        D(2022, 4, 1), D(2022, 7, 29), "120000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        16, 3, "Move the housing, planning and environmental health systems to "
        "hosted services",
        "The last three business systems in the Civic Centre move to hosted "
        "services, so that the data room can close.",
        C, SERVICE_PLAN, [HOUSING, PLANNING, ENVIRONMENT], BOARD,
        D(2022, 6, 1), D(2023, 3, 31), "150000", IN_PROGRESS, RED,
        "The planning system's supplier will not host our version: an upgrade "
        "is needed first, adding about £30,000 and four months. A request for "
        "the extra money goes to the Digital Programme Board in April.",
        55,
        [
            ("Housing system moved", D(2022, 11, 25), True),
            ("Environmental health system moved", D(2023, 2, 24), True),
            ("Planning system moved", D(2023, 3, 31), False),
        ],
    ),
    _item(
        17, 3, "Replace the end-of-life firewalls at the depot and leisure centres",
        "The firewalls at the depot and the two leisure centres stop receiving "
        "security updates in August 2022.",
        C, URGENT, [ENVIRONMENT], BOARD,
        D(2022, 5, 16), D(2022, 7, 15), "31000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        18, 3, "Security awareness training and phishing tests",
        "Annual training for all staff and councillors, and a simulated "
        "phishing campaign each quarter.",
        C, SERVICE_PLAN, [HR, LEGAL], IGB,
        D(2022, 4, 1), D(2023, 3, 31), "6500", IN_PROGRESS, GREEN, "", 90,
    ),
    _item(
        19, 3, "Replace the servers that lose support in October 2023",
        "Eleven servers run an operating system whose support ends in October "
        "2023; replace or upgrade them, and the applications on them.",
        C, URGENT, [REVENUES, HOUSING], BOARD,
        D(2022, 10, 3), D(2023, 3, 31), "24000", IN_PROGRESS, AMBER,
        "Two applications need upgrades from their suppliers before their "
        "servers can be replaced; both are booked for May 2023.",
        60,
    ),
    _item(
        20, 3, "Public Services Network compliance renewal",
        "Renew the council's certificate to connect to the Public Services "
        "Network, which the benefits service needs.",
        C, STATUTORY, [REVENUES], CMT,
        D(2022, 7, 1), D(2022, 10, 31), "4000", COMPLETE, GREEN, "", 100,
    ),
    # 4. Data and insight
    _item(
        21, 4, "Monthly performance dashboard on the council's website",
        "Publish the council's key performance indicators each month, drawn "
        "automatically from the service systems.",
        C, SERVICE_PLAN, [FINANCE, CUSTOMER], CMT,
        D(2022, 4, 1), D(2022, 9, 30), "18000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        22, 4, "One address and property dataset for planning and revenues",
        "Match the revenues, planning and housing address records to the local "
        "land and property gazetteer so that services can be planned by place.",
        ED, SERVICE_PLAN, [PLANNING, REVENUES, HOUSING], BOARD,
        D(2022, 7, 1), D(2023, 3, 31), "35000", IN_PROGRESS, AMBER,
        "88% of records matched against a target of 95%; the rest need "
        "checking by hand.",
        70,
    ),
    _item(
        23, 4, "Publish spending and contracts data automatically",
        "Publish the data the Local Government Transparency Code requires "
        "from the finance system each quarter, without manual extracts.",
        C, STATUTORY, [FINANCE], CMT,
        D(2022, 5, 3), D(2022, 8, 31), "5000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        24, 4, "Record of processing and retention schedule",
        "Bring the record of processing activities up to date and apply the "
        "retention schedule in the document management system.",
        C, STATUTORY, [LEGAL], IGB,
        D(2022, 4, 1), D(2023, 1, 31), "8000", IN_PROGRESS, GREEN, "", 80,
    ),
    # 5. A connected borough
    _item(
        25, 5, "Free public wireless in the town centre and market square",
        "Public wireless internet in Ashcombe town centre and the market "
        "square, on council lamp columns and buildings.",
        ED, SERVICE_PLAN, [ENVIRONMENT, PLANNING], CMT,
        D(2022, 9, 1), D(2023, 3, 31), "75000", ON_HOLD, RED,
        "Landlord consent for two of the five sites was refused; the sites are "
        "being resurveyed and the funding bid will be resubmitted.",
        15,
    ),
    _item(
        26, 5, "Gigabit broadband vouchers for businesses on the industrial estates",
        "Promote the government's gigabit broadband vouchers to businesses on "
        "the borough's three industrial estates, with the providers.",
        FW, SERVICE_PLAN, [PLANNING], PORTFOLIO,
        D(2023, 1, 9), D(2023, 3, 31), None, NOT_STARTED, "", "", 0,
    ),
    _item(
        27, 5, "Wireless internet in the leisure centres",
        "Replace the leisure centres' guest wireless, which the operator's "
        "contract renewal may provide instead.",
        FW, SERVICE_PLAN, [ENVIRONMENT], CMT,
        D(2023, 2, 1), D(2023, 3, 31), None, NOT_STARTED, "", "", 0,
    ),
    # 6. Greener technology
    _item(
        28, 6, "Halve printing: a new managed print contract with fewer devices",
        "Re-tender the managed print contract with half the number of "
        "devices, printing released by staff cards, and double-sided black "
        "and white by default.",
        C, SERVICE_PLAN, [FINANCE], BOARD,
        D(2022, 4, 1), D(2022, 12, 23), "20000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        29, 6, "Certified reuse and recycling of retired equipment",
        "A contract with a certified partner to wipe, reuse or recycle every "
        "retired device, meeting the waste electrical equipment regulations.",
        C, STATUTORY, [ENVIRONMENT], CMT,
        D(2022, 5, 3), D(2022, 7, 29), "3000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        30, 6, "Carbon footprint of the council's technology",
        "Measure the carbon footprint of the council's devices, hosting and "
        "printing, as a baseline for the next strategy.",
        FW, SERVICE_PLAN, [ENVIRONMENT], CLIMATE,
        D(2023, 1, 9), D(2023, 3, 31), "7500", CANCELLED, "", "", 0,
    ),
    _item(
        31, 6, "Choose hosting providers that run on renewable electricity",
        "Add renewable electricity to the award criteria of every hosting "
        "contract let during the year.",
        C, SERVICE_PLAN, [FINANCE], CLIMATE,
        D(2022, 4, 1), D(2022, 6, 30), None, COMPLETE, GREEN, "", 100,
    ),
    # 7. Skills and partnerships
    _item(
        32, 7, "A digital champion in every service",
        "Train a member of staff in every service to help colleagues get the "
        "most from the council's technology.",
        C, SERVICE_PLAN, [HR], CMT,
        D(2022, 4, 1), D(2022, 9, 30), "4000", COMPLETE, GREEN, "", 100,
    ),
    _item(
        33, 7, "Digital skills sessions for residents",
        "Weekly sessions in the libraries with the library service and local "
        "volunteers.",
        C, SERVICE_PLAN, [CUSTOMER], CMT,
        D(2022, 6, 1), D(2023, 3, 31), "10000", IN_PROGRESS, GREEN, "", 75,
    ),
    _item(
        34, 7, "Shared service desk with Fenmoor District Council: options",
        "Appraise the options for a service desk shared with Fenmoor District "
        "Council, including costs, staffing and contracts.",
        ED, SERVICE_PLAN, [FINANCE, HR], CMT,
        D(2022, 9, 1), D(2023, 3, 31), "12000", ON_HOLD, AMBER,
        "Fenmoor's service desk contract runs until 2024, so the appraisal is "
        "paused by agreement until autumn 2023.",
        30,
    ),
    _item(
        35, 7, "ICT apprenticeships with Ashcombe College",
        "Create two ICT apprenticeships with the local college, starting in "
        "September 2023.",
        FW, SERVICE_PLAN, [HR], CMT,
        D(2023, 1, 9), D(2023, 3, 31), None, NOT_STARTED, "", "", 0,
    ),
]
# fmt: on

# --- the committee business of 2022 --------------------------------------------------

REVIEW_ITEM = "ICT workplan 2022–23: mid-year review"
REVIEW_REPORT = {
    "title": "ICT workplan 2022–23: mid-year progress report",
    "report_of": "Director of Resources",
    "contact": HEAD_OF_ICT,
    "purpose": (
        "To report progress on the 35 items of the ICT workplan 2022–23 at the "
        "half-year, and the variations agreed since Cabinet approved it."
    ),
    "summary": (
        "Most items are on course. The items rated red or amber, the reasons "
        "and what is being done are set out item by item in the progress "
        "report at Annex A, with the change in each rating since approval "
        "and the variations agreed by the Digital Programme Board."
    ),
    "reasons": (
        "The committee asked for six-monthly reports on the delivery of the "
        "ICT strategy when it scrutinised the workplan in March."
    ),
    "other_options": "None: the report is for information and comment.",
    "financial_implications": (
        "The workplan is delivered within the ICT capital programme and "
        "revenue budgets for 2022–23; no additional spending is sought."
    ),
    "legal_implications": "None arising from this report.",
    "risk_implications": (
        "The red-rated items are on the ICT risk register and are reviewed "
        "monthly by the Digital Programme Board."
    ),
    "equality_implications": "None arising from this report.",
    "recommendations": [
        "That the committee notes progress on the ICT workplan 2022–23.",
        "That the committee comments on the items rated red or amber.",
    ],
}

REPORT = {
    "title": TITLE,
    "report_of": "Director of Resources",
    "contact": HEAD_OF_ICT,
    "key_decision": True,
    "forward_plan_notice_on": date(2022, 2, 4),
    "purpose": (
        "To ask Cabinet to approve the ICT workplan for 2022–23, the final year "
        "of Digital Ashcombe, the revised ICT Strategy 2020–2022."
    ),
    "summary": (
        "The workplan sets out 35 items of work under the strategy's seven "
        "themes, with their departments, lead officers, dates and budgets. It "
        "finishes the move of the council's systems to hosted services, "
        "completes the replacement of the telephones and brings more council "
        "tax, waste and housing requests online."
    ),
    "reasons": (
        "The workplan turns the strategy's objectives for its final year into "
        "work that can be scheduled, funded and monitored."
    ),
    "other_options": (
        "Carrying the 2021–22 workplan forward unchanged was rejected: several "
        "of its items are complete and the strategy's remaining objectives "
        "need new work."
    ),
    "financial_implications": (
        "The items are funded from the ICT capital programme and existing "
        "revenue budgets; the total of £1.19m is within the budgets agreed for "
        "2022–23."
    ),
    "recommendations": [
        "That Cabinet approves the ICT workplan 2022–23.",
        "That progress is reported to the Overview and Scrutiny Committee every "
        "six months.",
    ],
}

MEETINGS = [
    ("scrutiny-2022", SCRUTINY, _at(date(2022, 3, 9), 19), True, [
        (f"{TITLE}: pre-decision scrutiny", "workplan-2022"),
        ("Work programme", None),
    ]),
    ("cabinet-2022", CABINET, _at(date(2022, 3, 22), 18, 30), True, [
        (TITLE, "workplan-2022"),
    ]),
]  # fmt: skip

DECISION = {
    "title": TITLE,
    "meeting": "cabinet-2022",
    "record": (
        "Cabinet considered the report of the Director of Resources seeking "
        "approval of the ICT workplan for 2022–23. Councillor Helen Marsh, "
        "Cabinet Member for Resources, introduced the report and noted that the "
        "Overview and Scrutiny Committee had endorsed it."
    ),
    "reasons": (
        "The workplan delivers the final year of Digital Ashcombe within the "
        "budgets agreed for 2022–23."
    ),
    "alternatives_rejected": "Carrying the 2021–22 workplan forward unchanged.",
    "resolutions": [
        "That the ICT workplan 2022–23 be approved.",
        "That progress be reported to the Overview and Scrutiny Committee every "
        "six months.",
    ],
    "published_at": _at(date(2022, 3, 24), 10),
}


# --- building --------------------------------------------------------------------


def build(demo):
    _build_fenmoor(demo)
    council = demo.councils["ashcombe"]
    strategy = Strategy.objects.filter(
        organisation=council, title=STRATEGY_2020
    ).first()
    if strategy is None:
        return
    officer, clerk = demo.users["officer"], demo.users["clerk"]
    departments = _departments(council)

    workplan = Workplan.objects.filter(strategy=strategy, financial_year=YEAR).first()
    if workplan is None:
        workplan = save_with_reason(
            Workplan(
                organisation=council,
                strategy=strategy,
                financial_year=YEAR,
                title=WORKPLAN_TITLE,
                created_by=officer,
            ),
            user=officer,
            reason=REASON,
        )
    if workplan.status == S.DRAFT:
        _items(workplan, departments, _membership(officer, council), officer)

    reports = _build_reports(council, {"workplan-2022": REPORT})
    meetings = _build_meetings(
        _committees(council), MEETINGS, reports, demo.today, ASHCOMBE_VENUES
    )
    decision = _decision(
        council,
        DECISION,
        meetings["cabinet-2022"],
        reports["workplan-2022"],
        workplan,
        clerk,
    )
    # The report presents the plan from the start: its papers are sent to
    # each meeting with the plan as that meeting saw it.
    present(reports["workplan-2022"], workplan, user=clerk, reason=REASON)
    _take(
        workplan,
        [
            (
                "submit",
                S.DRAFT,
                officer,
                {"meeting": meetings["scrutiny-2022"]},
                "For pre-decision scrutiny before Cabinet on 22 March.",
            ),
            (
                "record_scrutiny",
                S.SCRUTINY,
                clerk,
                {"outcome": ScrutinyOutcome.ENDORSED, "committee_comments": ""},
                "Minute 31 of the meeting.",
            ),
            (
                "approve",
                S.APPROVAL,
                clerk,
                {"decision": decision},
                "Approved by Cabinet on 22 March 2022.",
            ),
        ],
        papers={
            "record_scrutiny": meetings["scrutiny-2022"],
            "approve": meetings["cabinet-2022"],
        },
    )

    workplan = Workplan.objects.get(pk=workplan.pk)
    _variation_settings(council, officer)
    _layout(council)
    _reviews_and_variations(workplan, council, officer, clerk)
    _papers(workplan, council, reports["workplan-2022"], clerk)


def _papers(workplan, council, approval_report, clerk):
    """The committee reports presenting the workplan (to Cabinet, for
    approval) and its first review (to scrutiny, in October): their papers
    carry the workplan appendix and the progress report as annexes."""
    present(approval_report, workplan, user=clerk, reason=REASON)
    review = workplan.reviews.filter(number=1).select_related("meeting").first()
    if review is None or review.meeting is None:
        return
    report = _build_reports(council, {"review": REVIEW_REPORT})["review"]
    present(report, review, user=clerk, reason=REASON)
    item = review.meeting.agenda_items.filter(title=REVIEW_ITEM).first()
    if item is not None and item.report_id != report.pk:
        item.report = report
        save_with_reason(item, user=clerk, reason=REASON)


def _departments(council):
    departments = {}
    for name in DEPARTMENTS:
        department = Department.objects.filter(organisation=council, name=name).first()
        if department is None:
            department = save_with_reason(
                Department(organisation=council, name=name), user=None, reason=REASON
            )
        departments[name] = department
    return departments


def _upsert(model, lookup, values, user):
    """The row matching `lookup`, created or brought up to date with `values`,
    saved (with history) only when new or changed."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
    elif all(getattr(obj, name) == value for name, value in values.items()):
        return obj
    else:
        for name, value in values.items():
            setattr(obj, name, value)
    return save_with_reason(obj, user=user, reason=REASON)


def _items(workplan, departments, lead, author):
    """The items and their milestones of a draft workplan."""
    themes = {theme.position: theme for theme in workplan.strategy.themes.all()}
    for position, spec in enumerate(ITEMS, start=1):
        spec = dict(spec)
        reference = spec.pop("reference")
        names = spec.pop("departments")
        milestones = spec.pop("milestones")
        spec["theme"] = themes.get(spec["theme"])
        item = WorkplanItem.objects.filter(
            workplan=workplan, reference=reference
        ).first()
        values = {**spec, "position": position, "lead_officer": lead}
        if item is None:
            item = WorkplanItem(
                organisation=workplan.organisation,
                workplan=workplan,
                reference=reference,
                created_by=author,
                **values,
            )
            save_with_reason(item, user=author, reason=REASON)
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            save_with_reason(item, user=author, reason=REASON)
        wanted = {departments[name].pk for name in names}
        if set(item.departments.values_list("pk", flat=True)) != wanted:
            item.departments.set(wanted)
        for title, due, done in milestones:
            _upsert(
                Milestone,
                {"item": item, "title": title},
                {"due": due, "done": done},
                author,
            )


def _take(record, steps, papers=None):
    """Take each step (from its source status) not yet taken; return the
    record. `papers` maps a step to the meeting whose papers are sent (by
    the step's user) just before it is taken."""
    for name, source, user, inputs, comment in steps:
        if record.status != source:
            continue
        if papers and name in papers:
            send_demo_papers(papers[name], user)
        record = record.lifecycle.perform(
            record, name, user, inputs=inputs, comment=comment
        )
    return record


# --- the six-monthly reviews and variations -----------------------------------

ROUND_ONE_COMMENT = "Mid-year position reported to Overview and Scrutiny."


def _review_data(item, share, commentary, as_at):
    """An update at `share` of the item's year-end position, as at `as_at`."""
    rag = item.rag or "green"
    return {
        "delivery_status": item.delivery_status
        if share == 1
        else ("in-progress" if item.percent_complete else "not-started"),
        "rag": rag,
        "rag_reason": item.rag_reason if rag == "red" else "",
        "percent_complete": round(item.percent_complete * share),
        "commentary": commentary,
        "revised_start_date": None,
        "revised_target_date": None,
        "as_at": as_at,
    }


#: The item added to the approved plan by variation, agreed under delegated
#: powers before the first review.
ADDED_ITEM = {
    "reference": "ICT-22-36",
    "title": "Cyber incident response retainer",
    "description": "A retained specialist team on call to help the council "
    "contain and recover from a cyber incident, as the insurer now requires.",
    "category": C,
    "work_type": STATUTORY,
    "sponsor": IGB,
    "start_date": date(2022, 9, 1),
    "target_date": date(2023, 3, 31),
    "budget": Decimal("18000"),
    "delivery_status": IN_PROGRESS,
    "rag": GREEN,
    "percent_complete": 60,
}
ADDED_REASON = (
    "The council's cyber insurer made a retained incident response service a "
    "condition of renewal from 1 October 2022."
)
ADDED_AGREED_ON = date(2022, 8, 15)


def _variation_settings(council, officer):
    """Ashcombe's scheme of delegation lets its Head of ICT and Digital agree
    variations to the workplan (Cabinet may always agree one too)."""
    settings = VariationSettings.objects.filter(organisation=council).first()
    if settings is None:
        settings = save_with_reason(
            VariationSettings(organisation=council), user=None, reason=REASON
        )
    post = _membership(officer, council)
    if not settings.delegates.filter(pk=post.pk).exists():
        settings.delegates.add(post)


def _layout(council):
    """Ashcombe lists its future works in their own section at the end of the
    workplan, as its papers always have."""
    if not WorkplanSettings.objects.filter(organisation=council).exists():
        save_with_reason(
            WorkplanSettings(organisation=council, future_works_last=True),
            user=None,
            reason=REASON,
        )


def _added_by_variation(workplan, officer):
    """ICT-22-36, added by variation and agreed under delegated powers."""
    themes = {theme.position: theme for theme in workplan.strategy.themes.all()}
    item = save_with_reason(
        WorkplanItem(
            organisation=workplan.organisation,
            workplan=workplan,
            position=workplan.items.count() + 1,
            theme=themes.get(3),
            lead_officer=_membership(officer, workplan.organisation),
            created_by=officer,
            **ADDED_ITEM,
        ),
        user=officer,
        reason="Item added as a variation",
    )
    item.departments.set(
        Department.objects.filter(organisation=workplan.organisation, name=LEGAL)
    )
    variations.record(
        workplan,
        item,
        Variation.Kind.ADDED,
        reason=ADDED_REASON,
        agreed_with="",
        agreed_on=None,
        user=officer,
    )
    return ITEM_LIFECYCLE.perform(
        item,
        "agree_variation",
        officer,
        inputs={"agreed_on": ADDED_AGREED_ON},
        comment="Agreed under delegated powers; reported to Cabinet in the "
        "mid-year review.",
    )


def _reviews_and_variations(workplan, council, officer, clerk):
    """A closed first review (with variations reported to it) and an open
    second review with some items still to update. Built once."""
    if workplan.status != S.APPROVED or workplan.reviews.exists():
        return
    items = list(workplan.items.order_by("position", "pk"))

    # Variations agreed before the first review.
    rescheduled = items[3]
    before = rescheduled.target_date
    rescheduled.target_date = date(2023, 3, 31)
    save_with_reason(
        rescheduled,
        user=officer,
        reason="Variation: supplier could not start until the autumn",
    )
    save_with_reason(
        Variation(
            workplan=workplan,
            item=rescheduled,
            kind=Variation.Kind.RESCHEDULED,
            reason="The supplier could not start until the autumn.",
            agreed_with="Digital Programme Board",
            changes=[
                {
                    "field": "Target date",
                    "before": str(before or ""),
                    "after": "2023-03-31",
                }
            ],
            agreed_on=date(2022, 7, 14),
            by=officer,
        ),
        user=officer,
        reason=REASON,
    )
    removed = items[-1]
    removed.delivery_status = "cancelled"
    save_with_reason(
        removed,
        user=officer,
        reason="Removed by variation: superseded by a national scheme",
    )
    save_with_reason(
        Variation(
            workplan=workplan,
            item=removed,
            kind=Variation.Kind.REMOVED,
            reason="A national scheme now provides this; the council's own "
            "project is no longer needed.",
            agreed_with="Cabinet Member for Resources",
            changes=[
                {
                    "field": "Delivery status",
                    "before": "In progress",
                    "after": "Cancelled",
                }
            ],
            agreed_on=date(2022, 9, 6),
            by=officer,
        ),
        user=officer,
        reason=REASON,
    )
    items.append(_added_by_variation(workplan, officer))

    scrutiny = Committee.objects.get(organisation=council, kind=CommitteeKind.SCRUTINY)
    october = Meeting.objects.filter(
        committee=scrutiny, starts_at__date=date(2022, 10, 12)
    ).first()
    if october is None:
        october = save_with_reason(
            Meeting(
                committee=scrutiny,
                starts_at=_at(date(2022, 10, 12), 19),
                venue="Council Chamber, Ashcombe Civic Centre",
                status="held",
                agenda_published=True,
            ),
            user=clerk,
            reason=REASON,
        )
        for position, title in enumerate(
            [
                "Apologies for absence",
                "Declarations of interest",
                "Minutes of the meeting held on 7 September 2022",
                "ICT workplan 2022–23: mid-year review",
            ],
            start=1,
        ):
            save_with_reason(
                AgendaItem(meeting=october, position=position, title=title),
                user=clerk,
                reason=REASON,
            )

    # Review 1: every item updated, reported in October, closed.
    workplan = WORKPLAN_LIFECYCLE.perform(
        workplan,
        "open_review",
        officer,
        inputs={"happened_on": date(2022, 9, 19)},
        comment="Mid-year review.",
    )
    review = workplan.reviews.get(number=1)
    for item in items:
        record_update(
            review,
            item,
            officer,
            _review_data(
                item,
                0.5,
                "On course at the half-year; see the lead officer's notes.",
                date(2022, 9, 30),
            ),
        )
    workplan = WORKPLAN_LIFECYCLE.perform(
        workplan,
        "close_review",
        clerk,
        inputs={"meeting": october},
        comment=ROUND_ONE_COMMENT,
    )

    # Review 2: opened; two thirds of the items updated so far.
    workplan = WORKPLAN_LIFECYCLE.perform(
        workplan,
        "open_review",
        officer,
        inputs={"happened_on": date(2023, 4, 3)},
        comment="Year-end review.",
    )
    review = workplan.reviews.get(number=2)
    for item in items[: len(items) * 2 // 3]:
        item.refresh_from_db()
        record_update(
            review,
            item,
            officer,
            _review_data(item, 1, "Year-end position.", date(2023, 3, 31)),
        )


# --- Fenmoor District Council ----------------------------------------------------
#
# Fenmoor's constitution has its Finance and Performance Committee approve the
# annual ICT workplan, with no pre-decision scrutiny: its route says so, and
# its first workplan under the Digital Strategy is a draft its officer sends
# straight for decision.

FENMOOR_DEPARTMENTS = ["Planning", "Waste and Recycling", "Revenues"]

# (reference, theme position, title, description, work type, department,
# start, target, budget)
FENMOOR_ITEMS = [
    (1, 1, "Planning applications online", "Take planning applications and "
     "comments through the national portal straight into the back office.",
     WorkType.SERVICE_PLAN, "Planning", (4, 1), (12, 31), "38000"),
    (2, 1, "Bulky waste bookings online", "Residents book and pay for a "
     "bulky waste collection online, with a slot chosen from the crews' "
     "rounds.", WorkType.SERVICE_PLAN, "Waste and Recycling", (5, 1),
     (10, 31), "12500"),
    (3, 2, "Customer account: council tax", "Residents see their council tax "
     "balance, instalments and direct debit in their account.",
     WorkType.SERVICE_PLAN, "Revenues", (6, 1), (3, 31), "46000"),
    (4, 3, "Joint procurement plan", "Agree with two neighbouring districts "
     "which contracts to buy together, and when.", WorkType.STATUTORY, None,
     (4, 1), (9, 30), None),
]  # fmt: skip


def _build_fenmoor(demo):
    council = demo.councils["fenmoor"]
    officer = demo.users["other-officer"]
    if not Route.objects.filter(organisation=council, record_type=RecordType.WORKPLAN):
        route = save_with_reason(
            Route(
                organisation=council,
                record_type=RecordType.WORKPLAN,
                scrutiny=Scrutiny.NOT_USED,
            ),
            user=None,
            reason=REASON,
        )
        route.approving_committees.set(
            Committee.objects.filter(organisation=council, name=FINANCE_COMMITTEE)
        )
    strategy = (
        Strategy.objects.filter(organisation=council, status=S.APPROVED)
        .order_by("-period_start_year")
        .first()
    )
    if strategy is None:
        return
    year = strategy.period_start_year
    workplan = Workplan.objects.filter(strategy=strategy, financial_year=year).first()
    if workplan is None:
        workplan = save_with_reason(
            Workplan(
                organisation=council,
                strategy=strategy,
                financial_year=year,
                title=f"ICT Workplan {year}–{year + 1}",
                created_by=officer,
            ),
            user=officer,
            reason=REASON,
        )
    if workplan.status != S.DRAFT:
        return
    departments = {}
    for name in FENMOOR_DEPARTMENTS:
        departments[name] = Department.objects.filter(
            organisation=council, name=name
        ).first() or save_with_reason(
            Department(organisation=council, name=name), user=None, reason=REASON
        )
    themes = {theme.position: theme for theme in strategy.themes.all()}
    lead = _membership(officer, council)
    for position, spec in enumerate(FENMOOR_ITEMS, start=1):
        ref, theme, title, description, work_type, department = spec[:6]
        (start_month, start_day), (end_month, end_day), budget = spec[6:]
        reference = f"DIG-{ref:02d}"
        if WorkplanItem.objects.filter(workplan=workplan, reference=reference):
            continue
        item = save_with_reason(
            WorkplanItem(
                organisation=council,
                workplan=workplan,
                reference=reference,
                position=position,
                theme=themes.get(theme),
                title=title,
                description=description,
                category=Confidence.CONFIDENT,
                work_type=work_type,
                start_date=date(year, start_month, start_day),
                target_date=date(year + (end_month < 4), end_month, end_day),
                budget=None if budget is None else Decimal(budget),
                lead_officer=lead,
                created_by=officer,
            ),
            user=officer,
            reason=REASON,
        )
        if department:
            item.departments.set([departments[department]])
