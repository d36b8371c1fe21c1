"""The demo workplans of "Digital Ashcombe", approved by Cabinet.

Called by `manage.py load_demo` after `strategy/demo.py` (see
`governance/demo.py`). The story is written for the workplan of 2022–23 and
moved by whole years (`governance.demo.story_years`) so that it is the
workplan of the financial year containing the day the demo is built for;
the plan of the year before comes with it. Ashcombe Borough Council gets its
departments and:

- this year's workplan, 35 items across the strategy's seven themes, with
  their departments, lead officer, sponsor, dates, budget and a few
  milestones; and last year's, 12 items;
- each sent to the Overview and Scrutiny Committee early in the March before
  its year, endorsed, and approved by Cabinet later that March (the decision
  published two working days after the meeting, naming the plan);
- progress given as the year goes (items start on their start date and
  climb towards their target; some finish late and are overdue meanwhile);
- this year's variations agreed over the summer (once their day has come):
  an item rescheduled with the Digital Programme Board in July, one added by
  the Head of ICT and Digital under delegated powers in August, one removed
  with the Cabinet Member for Resources in September;
- reviews six months apart from the approving decision, so that one is open
  whatever the day: last year's year-end review from late March until this
  year's mid-year review falls due in late September (then completed and
  reported in July), this year's mid-year review from then until its
  year-end review falls due (then reported to October's Scrutiny).

Nothing that happens is dated after the day the demo is built for. Running
the demo again changes nothing: departments are looked up by council and
name, a workplan by strategy and year, an item by workplan and reference, a
milestone by item and title; content is brought up to date only while the
workplan is a draft, transitions already taken are not taken again, and a
plan's story after its approval is built once. Everything here is
fictional: the council, the people and the numbers.
"""

from datetime import date, timedelta
from decimal import Decimal

from decisions.demo import (
    ASHCOMBE_VENUES,
    CABINET,
    HEAD_OF_ICT,
    SCRUTINY,
    Calendar,
    _at,
    _build_meetings,
    _build_reports,
    _financial_year,
    _long_date,
    send_demo_papers,
)
from decisions.demo import FINANCE as FINANCE_COMMITTEE
from decisions.models import AgendaItem, Committee, Meeting
from decisions.report_subjects import present
from governance.demo import story_years
from governance.history import save_with_reason
from governance.lifecycle import LifecycleStatus, ScrutinyOutcome, add_months
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
    year=22,
):
    return {
        "reference": f"ICT-{year}-{ref:02d}",
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
        # Days after its target that an item finished late (LATE).
        "late_days": LATE.get((year, ref), 0),
    }


#: Items finished late, by (year as written, number): the days after their
#: target they were finished; until then they are overdue.
LATE = {
    (22, 3): 28,
    (22, 8): 35,
    (22, 12): 42,
    (22, 14): 60,
    (22, 17): 56,
    (22, 28): 42,
    (21, 3): 40,
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
        D(2022, 7, 1), D(2022, 12, 16), "55000", IN_PROGRESS, AMBER,
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

#: The plan of the year before (as written, 2021–22): a shorter plan, its
#: year over, its year-end review open until this year's first review.
PREVIOUS_ITEMS = [
    _item(
        1, 1, "Online account: council tax balances and bills",
        "Residents see their council tax balance, instalments and bills in "
        "their online account.",
        C, SERVICE_PLAN, [REVENUES, CUSTOMER], BOARD,
        D(2021, 4, 6), D(2021, 10, 29), "32000", COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        2, 1, "Missed bin reports online, straight to the crews",
        "Residents report a missed collection online; the report reaches the "
        "crews' in-cab devices the same day.",
        C, SERVICE_PLAN, [ENVIRONMENT, CUSTOMER], BOARD,
        D(2021, 5, 4), D(2021, 9, 30), "14500", COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        3, 2, "Laptop refresh, phase 1 (310 devices)",
        "Replace the oldest laptops with devices able to run the council's "
        "collaboration software, with headsets for home working.",
        C, URGENT, [HR, FINANCE], BOARD,
        D(2021, 4, 12), D(2021, 8, 31), "196000", COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        4, 2, "Remote attendance equipment for the Council Chamber",
        "Cameras and microphones so that councillors and the public can take "
        "part in meetings in the Chamber remotely.",
        C, SERVICE_PLAN, [LEGAL], CMT,
        D(2021, 6, 1), D(2021, 12, 17), "54000", COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        5, 3, "Cyber Essentials Plus: first assessment",
        "The council's first independent assessment against Cyber Essentials "
        "Plus, and fixing what it finds.",
        C, STATUTORY, [FINANCE], CMT,
        D(2021, 7, 1), D(2022, 3, 31), "16000", COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        6, 3, "Multi-factor authentication for all remote access",
        "Every account used from outside the council's network signs in "
        "with a second factor.",
        C, URGENT, [HR], IGB,
        D(2021, 4, 1), D(2021, 7, 30), "8500", COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        7, 3, "Move the finance and payroll systems to hosted services",
        "The finance and payroll systems move from the Civic Centre to the "
        "suppliers' hosted services.",
        C, SERVICE_PLAN, [FINANCE, HR], BOARD,
        D(2021, 6, 1), D(2022, 2, 28), "88000", IN_PROGRESS, RED,
        "Payroll moved in January; the finance system's move waits for its "
        "supplier's year-end release, so it slips past the year end.",
        75,
        year=21,
    ),
    _item(
        8, 4, "Performance indicators drawn from the service systems",
        "Collect the key performance indicators from the service systems "
        "each month instead of from spreadsheets.",
        ED, SERVICE_PLAN, [FINANCE, CUSTOMER], CMT,
        D(2021, 9, 1), D(2022, 3, 31), "12000", IN_PROGRESS, AMBER,
        "Three of the eleven indicators still need manual figures from the "
        "housing service.",
        70,
        year=21,
    ),
    _item(
        9, 5, "Town centre public wireless: feasibility study",
        "Survey the sites, costs and landlords for public wireless internet "
        "in the town centre and the market square.",
        ED, SERVICE_PLAN, [PLANNING], CMT,
        D(2021, 10, 1), D(2022, 1, 31), "9000", IN_PROGRESS, AMBER,
        "Two landlords have not replied; the study is complete apart from "
        "their sites.",
        85,
        year=21,
    ),
    _item(
        10, 6, "Double-sided black and white printing by default",
        "Set every printer and device to print double-sided in black and "
        "white unless the person chooses otherwise.",
        C, SERVICE_PLAN, [FINANCE], CLIMATE,
        D(2021, 4, 1), D(2021, 6, 30), None, COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        11, 7, "Digital skills sessions in the libraries: pilot",
        "A six-month pilot of weekly sessions in Ashcombe library with local "
        "volunteers.",
        C, SERVICE_PLAN, [CUSTOMER], CMT,
        D(2021, 9, 6), D(2022, 3, 4), "4000", COMPLETE, GREEN, "", 100,
        year=21,
    ),
    _item(
        12, 7, "Shared ICT training with Fenmoor District Council",
        "Share the cost of technical training for both councils' ICT staff.",
        FW, SERVICE_PLAN, [HR], CMT,
        D(2022, 1, 10), D(2022, 3, 31), None, NOT_STARTED, "", "", 0,
        year=21,
    ),
]
# fmt: on

# --- the committee business of the story (as written for 2022) ------------------

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

#: The plan of the year before, as its papers put it (written for 2021–22).
PREVIOUS_TITLE = "ICT workplan 2021–22"
PREVIOUS_WORKPLAN_TITLE = "Annual ICT Workplan 2021–2022"
PREVIOUS_REPORT = {
    "title": PREVIOUS_TITLE,
    "report_of": "Director of Resources",
    "contact": HEAD_OF_ICT,
    "key_decision": True,
    "forward_plan_notice_on": date(2021, 2, 5),
    "purpose": (
        "To ask Cabinet to approve the ICT workplan for 2021–22, the second "
        "year of Digital Ashcombe, the revised ICT Strategy 2020–2022."
    ),
    "summary": (
        "The workplan sets out 12 items of work under the strategy's themes: "
        "the first laptop refresh, remote attendance at meetings, hosted "
        "finance and payroll systems and the council's first Cyber Essentials "
        "Plus assessment."
    ),
    "reasons": (
        "The workplan turns the strategy's objectives for its second year "
        "into work that can be scheduled, funded and monitored."
    ),
    "other_options": "None: the strategy asks for a workplan each year.",
    "financial_implications": (
        "The items are funded from the ICT capital programme and existing "
        "revenue budgets for 2021–22."
    ),
    "recommendations": [
        "That Cabinet approves the ICT workplan 2021–22.",
        "That progress is reported to the Overview and Scrutiny Committee every "
        "six months.",
    ],
}
PREVIOUS_DECISION = {
    "title": PREVIOUS_TITLE,
    "meeting": "cabinet",
    "record": (
        "Cabinet considered the report of the Director of Resources seeking "
        "approval of the ICT workplan for 2021–22, and noted that the Overview "
        "and Scrutiny Committee had endorsed it."
    ),
    "reasons": "The workplan delivers the second year of Digital Ashcombe.",
    "alternatives_rejected": "None.",
    "resolutions": [
        "That the ICT workplan 2021–22 be approved.",
        "That progress be reported to the Overview and Scrutiny Committee every "
        "six months.",
    ],
}

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
}


# --- building --------------------------------------------------------------------
#
# The story is written for the workplan of 2022–23 (and its predecessor of
# 2021–22) and moved by whole years (`governance.demo.story_years`) so that
# the current plan is the one of the financial year containing the day the
# demo is built for. Each meeting falls on its committee's day (Scrutiny on
# Wednesdays, Cabinet on Tuesdays) in the week the story says, avoiding bank
# holidays and the council's closure days; each step after it follows on the
# council's next working days; nothing that happens is dated after that day.


def build(demo):
    _build_fenmoor(demo)
    council = demo.councils["ashcombe"]
    years = demo.story or story_years(demo.today)
    strategy = Strategy.objects.filter(
        organisation=council, title=years.text(STRATEGY_2020)
    ).first()
    if strategy is None:
        return
    officer, clerk = demo.users["officer"], demo.users["clerk"]
    departments = _departments(council)
    _variation_settings(council, officer)
    _layout(council)
    story = Story(demo, council, years)

    previous, _ = _approved_plan(
        story,
        strategy,
        year=years.plan - 1,
        title=years.text(PREVIOUS_TITLE),
        workplan_title=years.text(PREVIOUS_WORKPLAN_TITLE),
        items=years.move(PREVIOUS_ITEMS),
        report=years.move(PREVIOUS_REPORT),
        decision=years.move(PREVIOUS_DECISION),
        departments=departments,
    )
    current, report = _approved_plan(
        story,
        strategy,
        year=years.plan,
        title=years.text(TITLE),
        workplan_title=years.text(WORKPLAN_TITLE),
        items=years.move(ITEMS),
        report=years.move(REPORT),
        decision=years.move(DECISION),
        departments=departments,
    )
    first_review_of_current = story.review_opens(current, 1)
    _previous_year(story, previous, first_review_of_current)
    _current_year(story, current)
    _papers(current, council, report, clerk, years)


class Story:
    """The demo's day, council, people, calendar and moved years."""

    def __init__(self, demo, council, years):
        self.today = demo.today
        self.council = council
        self.years = years
        self.officer = demo.users["officer"]
        self.clerk = demo.users["clerk"]
        self.calendar = Calendar(council)
        self.committees = _committees(council)

    def meeting_day(self, day, weekday, forward=True):
        return self.calendar.meeting_day(day, weekday, forward)

    def review_opens(self, workplan, number):
        """The day review `number` of `workplan` falls due and is opened:
        the first working day once six months (for the second, twelve)
        have passed since the decision that approved it."""
        months = workplan.review_months * number
        return self.calendar.on_or_after(add_months(workplan.approved_on, months))

    def meeting(self, key, committee, day, hour, minute, items, reports=None):
        """The meeting of `committee` on `day` with `items` on its agenda:
        the one the committee business already has that day (the items
        added at the end of its agenda), else a new one."""
        reports = reports or {}
        existing = (
            Meeting.objects.filter(
                committee=self.committees[committee],
                starts_at__date=day,
            )
            .order_by("starts_at")
            .first()
        )
        if existing is None:
            return _build_meetings(
                self.committees,
                [(key, committee, _at(day, hour, minute), True, items)],
                reports,
                self.today,
                ASHCOMBE_VENUES,
            )[key]
        titles = set(existing.agenda_items.values_list("title", flat=True))
        position = existing.agenda_items.count()
        for title, report_key in items:
            if title in titles:
                continue
            position += 1
            save_with_reason(
                AgendaItem(
                    meeting=existing,
                    position=position,
                    title=title,
                    report=reports.get(report_key),
                ),
                user=self.clerk,
                reason=REASON,
            )
        return existing


def _approved_plan(
    story, strategy, *, year, title, workplan_title, items, report, decision,
    departments,
):  # fmt: skip
    """The workplan of the financial year `year`, sent to scrutiny early in
    the March before it and approved by Cabinet later that month; returns
    it and the report that put it to them."""
    council, officer, clerk = story.council, story.officer, story.clerk
    workplan = Workplan.objects.filter(strategy=strategy, financial_year=year).first()
    if workplan is None:
        workplan = save_with_reason(
            Workplan(
                organisation=council,
                strategy=strategy,
                financial_year=year,
                title=workplan_title,
                created_by=officer,
            ),
            user=officer,
            reason=REASON,
        )
    if workplan.status == S.DRAFT:
        _items(workplan, items, departments, _membership(officer, council), officer)

    # Cabinet on the Tuesday on or before 22 March, published two working
    # days later; Scrutiny on the Wednesday about a fortnight before.
    cabinet_day = story.meeting_day(date(year, 3, 22), 1, forward=False)
    scrutiny_day = story.meeting_day(cabinet_day - timedelta(days=13), 2, False)
    published_on = story.calendar.after(story.calendar.after(cabinet_day))
    report = dict(report)
    report["forward_plan_notice_on"] = min(
        report["forward_plan_notice_on"], cabinet_day - timedelta(days=35)
    )
    key = f"workplan-{year}"
    reports = _build_reports(council, {key: report})
    scrutiny = story.meeting(
        "scrutiny",
        SCRUTINY,
        scrutiny_day,
        19,
        0,
        [(f"{title}: pre-decision scrutiny", key), ("Work programme", None)],
        reports,
    )
    cabinet = story.meeting(
        "cabinet", CABINET, cabinet_day, 18, 30, [(title, key)], reports
    )
    decision = _decision(
        council,
        {**decision, "published_at": _at(published_on, 10)},
        cabinet,
        reports[key],
        workplan,
        clerk,
    )
    # The report presents the plan from the start: its papers are sent to
    # each meeting with the plan as that meeting saw it.
    present(reports[key], workplan, user=clerk, reason=REASON)
    _take(
        workplan,
        [
            (
                "submit",
                S.DRAFT,
                officer,
                {"meeting": scrutiny},
                "For pre-decision scrutiny before Cabinet on "
                f"{cabinet_day.day} {cabinet_day:%B}.",
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
                f"Approved by Cabinet on {_long_date(cabinet_day)}.",
            ),
        ],
        papers={"record_scrutiny": scrutiny, "approve": cabinet},
    )
    return Workplan.objects.get(pk=workplan.pk), reports[key]


def _papers(workplan, council, approval_report, clerk, years):
    """The committee reports presenting the workplan (to Cabinet, for
    approval) and its first review, once reported (to scrutiny, in
    October): their papers carry the workplan appendix and the progress
    report as annexes."""
    present(approval_report, workplan, user=clerk, reason=REASON)
    review = workplan.reviews.filter(number=1).select_related("meeting").first()
    if review is None or review.meeting is None:
        return
    report = _build_reports(council, {"review": years.move(REVIEW_REPORT)})["review"]
    present(report, review, user=clerk, reason=REASON)
    item = review.meeting.agenda_items.filter(title=years.text(REVIEW_ITEM)).first()
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


def _items(workplan, specs, departments, lead, author):
    """The items and their milestones of a draft workplan: none started
    yet (progress comes once the plan is under way)."""
    themes = {theme.position: theme for theme in workplan.strategy.themes.all()}
    for position, spec in enumerate(specs, start=1):
        spec = dict(spec)
        reference = spec.pop("reference")
        names = spec.pop("departments")
        milestones = spec.pop("milestones")
        spec.pop("late_days")
        spec["theme"] = themes.get(spec["theme"])
        spec |= {
            "delivery_status": NOT_STARTED,
            "rag": "",
            "rag_reason": "",
            "percent_complete": 0,
        }
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
        for title, due, _done in milestones:
            _upsert(
                Milestone,
                {"item": item, "title": title},
                {"due": due, "done": False},
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


# --- progress, the six-monthly reviews and variations ---------------------------

ROUND_ONE_COMMENT = "Mid-year position reported to Overview and Scrutiny."
#: The change reason of progress given outside a review (as the item's
#: "Update progress" page records it).
PROGRESS_UPDATED = "Progress updated"


def _state(spec, target, day, year_end):
    """An item's progress on `day` (delivery status, RAG, reason, percent),
    from its `spec`'s position at the end of the year: nothing before it
    starts; a steady climb to its target (or, for an item finished late, to
    the day it was finished: overdue in between) or to the year end."""
    start, final = spec["start_date"], spec["delivery_status"]
    if day < start or final == NOT_STARTED:
        return NOT_STARTED, "", "", 0
    if final == CANCELLED:
        return CANCELLED, "", "", 0
    if final == COMPLETE:
        finished = target + timedelta(days=spec["late_days"])
        if day >= finished:
            return COMPLETE, GREEN, "", 100
        share = (day - start).days / max((finished - start).days, 1)
        percent = min(95, 5 * round(20 * share))
        if day > target:
            return (
                IN_PROGRESS,
                AMBER,
                f"Running late: now expected to finish by {_long_date(finished)}.",
                percent,
            )
        return IN_PROGRESS, GREEN, "", percent
    share = min(1, (day - start).days / max((year_end - start).days, 1))
    percent = 5 * round(spec["percent_complete"] * share / 5)
    if share < 0.5:
        return IN_PROGRESS, GREEN, "", percent
    return final, spec["rag"] or GREEN, spec["rag_reason"], percent


def _position(item, spec, day, year_end, commentary):
    """The review update data for `item` on `day` (see `_state`); an item
    removed by variation stays as it was removed."""
    if item.delivery_status == CANCELLED:
        status, rag, reason, percent = CANCELLED, item.rag, item.rag_reason, 0
        commentary = "Removed from the plan by variation."
    else:
        status, rag, reason, percent = _state(spec, item.target_date, day, year_end)
    return {
        "delivery_status": status,
        "rag": rag or GREEN,
        "rag_reason": reason,
        "percent_complete": percent,
        "commentary": commentary,
        "revised_start_date": None,
        "revised_target_date": None,
        "as_at": day,
    }


def _specs(workplan, years):
    """The specs of `workplan`'s items by reference (as moved)."""
    specs = years.move(PREVIOUS_ITEMS + ITEMS + [ADDED_ITEM])
    return {spec["reference"]: spec for spec in specs}


def _give_progress(story, workplan, day, year_end):
    """Progress as it stood on `day`, given on each item's own page (outside
    a review), and its milestones met by then ticked off."""
    specs = _specs(workplan, story.years)
    removed = set(
        workplan.variations.filter(kind=Variation.Kind.REMOVED).values_list(
            "item_id", flat=True
        )
    )
    for item in workplan.items.in_the_plan().order_by("position", "pk"):
        spec = specs.get(item.reference)
        if spec is None or item.pk in removed:
            continue
        status, rag, reason, percent = _state(spec, item.target_date, day, year_end)
        values = {
            "delivery_status": status,
            "rag": rag,
            "rag_reason": reason,
            "percent_complete": percent,
        }
        if any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            save_with_reason(item, user=story.officer, reason=PROGRESS_UPDATED)
        for title, due, done in spec.get("milestones", ()):
            _upsert(
                Milestone,
                {"item": item, "title": title},
                {"due": due, "done": done and due <= day},
                story.officer,
            )


def _updates(story, review, items, day, year_end, commentary):
    specs = _specs(review.workplan, story.years)
    for item in items:
        item.refresh_from_db()
        record_update(
            review,
            item,
            story.officer,
            _position(item, specs[item.reference], day, year_end, commentary),
        )


def _open_review(story, workplan, day, comment):
    workplan = WORKPLAN_LIFECYCLE.perform(
        workplan,
        "open_review",
        story.officer,
        inputs={"happened_on": day},
        comment=comment,
    )
    return workplan, workplan.reviews.get(status="open")


def _close_review(story, workplan, meeting):
    return WORKPLAN_LIFECYCLE.perform(
        workplan,
        "close_review",
        story.clerk,
        inputs={"meeting": meeting},
        comment=ROUND_ONE_COMMENT
        if workplan.reviews.filter(status="open", number=1).exists()
        else "Year-end position reported to Overview and Scrutiny.",
    )


def _built(workplan):
    """Whether the plan's story after its approval has been built."""
    return (
        workplan.reviews.exists()
        or WorkplanItem.history.filter(
            workplan_id=workplan.pk, history_change_reason=PROGRESS_UPDATED
        ).exists()
    )


def _review_meeting(story, day, title):
    """The Scrutiny meeting (a Wednesday from `day`) a review is reported to."""
    return story.meeting(
        f"review-{day}",
        SCRUTINY,
        story.meeting_day(day, 2),
        19,
        0,
        [(title, None), ("Work programme", None)],
    )


def _previous_year(story, workplan, current_review_opens):
    """Last year's plan: its mid-year review reported in October; its
    year-end review opened in March, about half the updates given by the
    end of the year, and left open until this year's plan has its first
    review (then finished and reported in July). Built once."""
    if workplan.status != S.APPROVED or _built(workplan):
        return
    today = story.today
    year = workplan.financial_year
    year_end = date(year + 1, 3, 31)
    items = list(workplan.items.in_the_plan().order_by("position", "pk"))
    opens = story.review_opens(workplan, 1)
    _give_progress(story, workplan, opens - timedelta(days=1), year_end)
    workplan, review = _open_review(story, workplan, opens, "Mid-year review.")
    _updates(
        story,
        review,
        items,
        story.calendar.on_or_after(opens + timedelta(days=7)),
        year_end,
        "On course at the half-year; see the lead officer's notes.",
    )
    title = f"ICT workplan {_financial_year(year)}: mid-year review"
    meeting = _review_meeting(story, opens + timedelta(days=14), title)
    workplan = _close_review(story, workplan, meeting)

    opens = story.review_opens(workplan, 2)
    if opens > today:
        return
    workplan, review = _open_review(story, workplan, opens, "Year-end review.")
    given = items[: len(items) // 2]
    _updates(story, review, given, min(today, year_end), year_end, "Year-end position.")
    if today < current_review_opens:
        return
    # This year's plan has its first review: last year's is finished and
    # reported to Scrutiny in July.
    _updates(
        story, review, items[len(given):], year_end, year_end, "Year-end position."
    )  # fmt: skip
    title = f"ICT workplan {_financial_year(year)}: year-end review"
    meeting = _review_meeting(story, date(year + 1, 7, 8), title)
    _close_review(story, workplan, meeting)


def _current_year(story, workplan):
    """This year's plan: variations agreed over the summer, progress given
    as the year goes; its mid-year review opened once due (late September)
    with some updates still to come, left open until the year-end review
    falls due in March (then reported to October's Scrutiny and followed by
    the year-end review). Built once; nothing dated after today."""
    if workplan.status != S.APPROVED or _built(workplan):
        return
    today = story.today
    year = workplan.financial_year
    year_end = date(year + 1, 3, 31)
    opens = story.review_opens(workplan, 1)
    _variations(story, workplan, before=min(today, opens - timedelta(days=1)))
    _give_progress(story, workplan, min(today, opens - timedelta(days=1)), year_end)
    if today < opens:
        return
    items = list(workplan.items.in_the_plan().order_by("position", "pk"))
    # An item removed by variation is the first to have its update given.
    items.sort(key=lambda item: item.delivery_status != CANCELLED)
    workplan, review = _open_review(story, workplan, opens, "Mid-year review.")
    year_end_review = story.review_opens(workplan, 2)
    if today < year_end_review:
        # Two thirds of the updates given, the latest in the last few days.
        _updates(
            story,
            review,
            items[: len(items) * 2 // 3],
            max(opens, today - timedelta(days=3)),
            year_end,
            "On course at the half-year; see the lead officer's notes.",
        )
        return
    _updates(
        story,
        review,
        items,
        story.calendar.on_or_after(opens + timedelta(days=7)),
        year_end,
        "On course at the half-year; see the lead officer's notes.",
    )
    meeting = _review_meeting(
        story, opens + timedelta(days=14), story.years.text(REVIEW_ITEM)
    )
    workplan = _close_review(story, workplan, meeting)
    workplan, review = _open_review(
        story, workplan, year_end_review, "Year-end review."
    )
    _updates(
        story,
        review,
        items[: len(items) * 2 // 3],
        min(today, year_end),
        year_end,
        "Year-end position.",
    )


def _variations(story, workplan, before):
    """The variations agreed over the summer, those agreed by `before`: an
    item rescheduled (agreed with the Digital Programme Board), ICT-22-36
    added (agreed under delegated powers) and one removed (agreed with the
    Cabinet Member for Resources)."""
    years, calendar, officer = story.years, story.calendar, story.officer
    items = list(workplan.items.order_by("position", "pk"))

    rescheduled_on = calendar.on_or_after(years.day(date(2022, 7, 14)))
    if rescheduled_on <= before:
        rescheduled = items[3]
        was = rescheduled.target_date
        rescheduled.target_date = years.day(date(2023, 3, 31))
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
                        "before": str(was or ""),
                        "after": str(rescheduled.target_date),
                    }
                ],
                agreed_on=rescheduled_on,
                by=officer,
            ),
            user=officer,
            reason=REASON,
        )

    added_on = calendar.on_or_after(years.day(ADDED_AGREED_ON))
    if added_on <= before:
        _added_by_variation(story, workplan, added_on)

    removed_on = calendar.on_or_after(years.day(date(2022, 9, 6)))
    if removed_on <= before:
        removed = items[-1]
        was = removed.get_delivery_status_display()
        removed.delivery_status = CANCELLED
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
                        "before": was,
                        "after": "Cancelled",
                    }
                ],
                agreed_on=removed_on,
                by=officer,
            ),
            user=officer,
            reason=REASON,
        )


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
    "rag_reason": "",
    "percent_complete": 60,
    "late_days": 0,
}
ADDED_REASON = (
    "The council's cyber insurer made a retained incident response service a "
    "condition of renewal from 1 October 2022."
)
ADDED_AGREED_ON = date(2022, 8, 15)


def _added_by_variation(story, workplan, agreed_on):
    """ICT-22-36, added by variation and agreed under delegated powers."""
    officer, years = story.officer, story.years
    spec = years.move(ADDED_ITEM)
    status, rag, reason, percent = _state(
        spec, spec["target_date"], agreed_on, agreed_on
    )
    fields = {
        name: value
        for name, value in spec.items()
        if name not in ("late_days", "delivery_status", "rag", "rag_reason")
    }
    themes = {theme.position: theme for theme in workplan.strategy.themes.all()}
    item = save_with_reason(
        WorkplanItem(
            organisation=workplan.organisation,
            workplan=workplan,
            position=workplan.items.count() + 1,
            theme=themes.get(3),
            lead_officer=_membership(officer, workplan.organisation),
            created_by=officer,
            delivery_status=status,
            rag=rag,
            rag_reason=reason,
            **{**fields, "percent_complete": percent},
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
        reason=years.text(ADDED_REASON),
        agreed_with="",
        agreed_on=None,
        user=officer,
    )
    return ITEM_LIFECYCLE.perform(
        item,
        "agree_variation",
        officer,
        inputs={"agreed_on": agreed_on},
        comment="Agreed under delegated powers; reported to Cabinet in the "
        "mid-year review.",
    )


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
