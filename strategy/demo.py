"""Demo strategies, taken through the lifecycle as a council would.

Called by `manage.py load_demo` after `decisions/demo.py` (see
`governance/demo.py`). Ashcombe Borough Council gets four ICT strategies.
Their story is written for 2018 to 2022 and moved by whole years with the
workplans' story
(`governance.demo.story_years`: the workplan of 2022–23 becomes the one of
the financial year the demo is built for); below, the years as written:

1. the ICT Strategy 2018–2023, sent to scrutiny, endorsed and approved by a
   published Cabinet decision in July 2018, and superseded by
2. "Digital Ashcombe", a revised two-year strategy approved by Cabinet in
   autumn 2020 (its approval supersedes the first by itself), with a minor
   amendment under delegated powers in 2021; it is in force for the current
   workplan's year;
3. the ICT and Digital Strategy for the next five years, submitted to the
   coming Overview and Scrutiny Committee meeting that `decisions/demo.py`
   sets up (its title follows that meeting's report); and
4. a Cyber Resilience Strategy still in draft.

Fenmoor District Council gets its Digital Strategy, approved by the Cabinet
decision `decisions/demo.py` publishes (it has no demo clerk, so the clerk's
steps are taken as the system).

Every transition goes through the lifecycle engine, so each leaves its
event, its history row and, on approval, the approved version. Running the
demo again changes nothing: a strategy is looked up by council and title,
its content is brought up to date only while it is a draft, and a transition
already taken is not taken again. The lifecycle stamps approvals and events
with the time they are recorded; for the historical strategies the demo then
dates them to their committee business. Everything here is
fictional: the councils, the people and the numbers.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from decisions.call_in import LONDON
from decisions.choices import CommitteeKind, DecisionStatus
from decisions.decision_path import DECISION_PATH
from decisions.demo import (
    ASHCOMBE_VENUES,
    CABINET,
    CABINET_MEMBER_FOR_RESOURCES,
    DIRECTOR_OF_RESOURCES,
    FENMOOR_VENUE,
    HEAD_OF_ICT,
    SCRUTINY,
    Calendar,
    _at,
    _build_meetings,
    _build_reports,
    _financial_year_start,
    _long_date,
    _upsert,
    send_demo_papers,
)
from decisions.models import (
    AgendaItem,
    Committee,
    DecidedRecord,
    DecisionRecord,
    Meeting,
    Report,
    Resolution,
)
from decisions.report_subjects import present
from governance.demo import STORY_YEAR, StoryYears, story_years
from governance.history import save_with_reason
from governance.lifecycle import (
    LifecycleStatus,
    MinorAmendment,
    ScrutinyOutcome,
)
from governance.models import Membership, Post
from governance.routes import Route

from .choices import ReviewFrequency, RiskLevel
from .lifecycle import STRATEGY_LIFECYCLE
from .models import Objective, Risk, Strategy, Theme

REASON = "Demo data"

S = LifecycleStatus
HIGH, MEDIUM, LOW = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW


def _prose(text):
    """Paragraphs from a wrapped, indented block: one line per paragraph."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


# --- Ashcombe's corporate plan (fictional) ------------------------------------------

RESIDENTS = "Residents at the heart of what we do"
MODERN = "A modern, efficient council"
GREENER = "A greener Ashcombe"
ECONOMY = "A thriving local economy"
SAFE = "Safe and healthy communities"

# --- 1. ICT Strategy 2018–2023 ------------------------------------------------------

STRATEGY_2018 = "ICT Strategy 2018–2023"
#: The first strategy's title, whatever its years.
FIRST_TITLE = r"^ICT Strategy [0-9]{4}–[0-9]{4}$"

STRATEGY_2018_FIELDS = {
    "period_start_year": 2018,
    "period_end_year": 2023,
    "vision": _prose(
        """
        Reliable, secure technology that lets Ashcombe's staff spend less time
        on paperwork and more time with residents, and lets residents deal with
        the council at a time that suits them.
        """
    ),
    "summary": _prose(
        """
        Over five years the council will replace its ageing network and
        servers, put its most-used services online, give staff equipment they
        can work from anywhere with, and look after its information properly.

        Four themes: a sound technical foundation; services online; a mobile
        workforce; information looked after and used well.

        Funded from an ICT capital programme of £2.4m over five years and the
        existing ICT revenue budget.
        """
    ),
    "body": _prose(
        """
        1. Where we are

        Much of the council's technology dates from the programme that followed
        the 2007 strategy. The core network switches are out of support, three
        of the main business systems run on servers that cannot be upgraded,
        and residents can complete only a handful of transactions online.

        2. Where we want to be

        By 2023 the council should have a modern network, most of its systems
        hosted in resilient data centres, an online account through which
        residents can report, apply and pay, and staff who can work securely
        from any council building.

        3. How we will get there

        The delivery plan sets out the projects year by year. The first two
        years concentrate on the network, the server estate and the new
        website; the later years on online services and mobile working.

        4. Governance

        The ICT programme board, chaired by the Director of Resources, oversees
        delivery. Progress is reported each year to the Overview and Scrutiny
        Committee.
        """
    ),
    "budget": Decimal("2400000.00"),
    "budget_implications": _prose(
        """
        The strategy is delivered within an ICT capital programme of £2.4m over
        five years, agreed as part of the 2018/19 budget, and the existing ICT
        revenue budget. Projects over £100,000 come to Cabinet for approval.
        No additional posts are needed; two fixed-term project managers are
        funded from the capital programme.
        """
    ),
    "consultation": _prose(
        """
        Workshops with heads of service in March 2018; a staff survey (487
        responses); the residents' panel; and the Overview and Scrutiny
        Committee on [scrutiny-2018].
        """
    ),
}

STRATEGY_2018_THEMES = [
    (
        "A sound technical foundation",
        "Replace the network and servers that the rest of the strategy relies on.",
        MODERN,
        [
            "Replace the core network switches and the Civic Centre wireless "
            "network by March 2019.",
            "Move the business systems off unsupported servers by March 2020.",
            "Test recovery of the critical systems from backup every year.",
        ],
    ),
    (
        "Services online",
        "Let residents report, apply and pay online at any time.",
        RESIDENTS,
        [
            "Launch a new, accessible council website in 2019.",
            "Introduce an online account for council tax, waste and benefits.",
            "Make the twenty most common requests available online.",
        ],
    ),
    (
        "A mobile workforce",
        "Equip staff to work from any council building and on site.",
        MODERN,
        [
            "Replace desktop computers with laptops as they fall due.",
            "Give enforcement and inspection officers tablets that work offline.",
        ],
    ),
    (
        "Information looked after and used well",
        "Meet the new data protection law and make better use of the "
        "council's information.",
        SAFE,
        [
            "Complete the work needed for the General Data Protection "
            "Regulation by May 2018 and keep an up-to-date record of "
            "processing.",
            "Introduce an electronic document and records system for the "
            "planning and housing services.",
        ],
    ),
]

STRATEGY_2018_RISKS = [
    {
        "description": "The ICT team lacks the capacity to run several large "
        "projects at once.",
        "likelihood": HIGH,
        "impact": MEDIUM,
        "mitigation": "Two fixed-term project managers; projects phased by the "
        "programme board.",
        "owner": "Head of ICT and Digital",
    },
    {
        "description": "A cyber attack disrupts council services.",
        "likelihood": MEDIUM,
        "impact": HIGH,
        "mitigation": "Annual network health check; staff awareness training; "
        "tested backups.",
        "owner": "Head of ICT and Digital",
    },
    {
        "description": "Residents do not take up the new online services.",
        "likelihood": MEDIUM,
        "impact": MEDIUM,
        "mitigation": "Services designed with residents and promoted through "
        "the council's newsletter and the contact centre.",
        "owner": "Customer Services Manager",
    },
]

# --- 2. Digital Ashcombe: revised ICT Strategy 2020–2022 ------------------------------

STRATEGY_2020 = "Digital Ashcombe: revised ICT Strategy 2020–2022"

BODY_2020 = _prose(
    """
    1. Why we revised the strategy

    The ICT Strategy 2018–2023 planned for change over five years. In spring
    2020 almost every member of staff moved to working from home within a
    fortnight, committee meetings moved online and demand for online services
    more than doubled. Much of what the 2018 strategy planned for its later
    years had to happen at once, and some of its assumptions, such as the
    number of desks the council needs, no longer hold. This revised strategy
    replaces it for the two years to March 2022.

    2. Where we are now

    Every member of staff who needs one now has a laptop. The new website and
    the online account are live, with 41,000 registered residents. The network
    replacement is complete; four business systems still run on servers in
    the Civic Centre. The council meets the Cyber Essentials standard but has
    not yet been assessed against Cyber Essentials Plus.

    3. Where we want to be

    By March 2022 residents should be able to complete most common requests
    online and track them to completion; staff should be able to work
    securely wherever they are; and the council should use its data to plan
    services and to show residents how it is performing.

    4. How we will get there

    The seven themes below each have a lead officer and a delivery plan that
    the Digital Programme Board reviews each month. Projects are prioritised
    by their benefit to residents and the savings they release.

    5. Governance and monitoring

    The Digital Programme Board, chaired by the Director of Resources, reports
    progress to the Cabinet Member for Resources each quarter and to the
    Overview and Scrutiny Committee every six months.
    """
)

BODY_2020_AMENDED = BODY_2020.replace(
    "by their benefit to residents and the savings they release.",
    "by their benefit to residents and the savings they release. The move of "
    "the remaining four business systems to hosted services is rescheduled "
    "from December 2021 to March 2022, when the revenues and benefits "
    "system's new version becomes available; the cost is unchanged.",
)

STRATEGY_2020_FIELDS = {
    "period_start_year": 2020,
    "period_end_year": 2022,
    "vision": _prose(
        """
        A council that residents can deal with easily online, on the phone or in
        person, and whose staff have the technology and skills to work well
        from anywhere.
        """
    ),
    "summary": _prose(
        """
        Digital Ashcombe is a revised two-year strategy written after the
        council's move to remote working in 2020. It keeps the aims of the ICT
        Strategy 2018–2023 but brings forward the work on online services,
        remote working and security.

        Seven themes: services residents choose to use online; working from
        anywhere; secure and resilient technology; data and insight; a
        connected borough; greener technology; skills and partnerships.

        Budget: £1.2m over two years (£850,000 capital, £350,000 revenue).
        Progress is reported to the Overview and Scrutiny Committee every six
        months.
        """
    ),
    "body": BODY_2020,
    "budget": Decimal("1200000.00"),
    "budget_implications": _prose(
        """
        The strategy costs £1.2m over 2020/21 and 2021/22: £850,000 from the ICT
        capital programme (already approved, re-phased from the later years of
        the 2018 strategy) and £350,000 of revenue, of which £180,000 comes
        from the council's share of the government's emergency funding for
        remote working. The remaining £170,000 is met from savings on printing,
        postage and office costs. One fixed-term business analyst post is
        extended to March 2022; no other staffing changes are needed.
        """
    ),
    "consultation": _prose(
        """
        A staff survey on remote working in June 2020 (612 responses); an online
        survey of residents through the council's website and social media (894
        responses); two workshops with members of all political groups; the
        trade unions through the joint consultative committee; and the Overview
        and Scrutiny Committee on [scrutiny-2020], whose comments are
        reflected in themes 1 and 7.
        """
    ),
}

STRATEGY_2020_THEMES = [
    (
        "Services residents choose to use online",
        "Online services good enough that residents prefer them, with help for "
        "those who need it.",
        RESIDENTS,
        [
            "Make 80% of council tax, waste and housing requests possible "
            "online by March 2022.",
            "Let residents track every online request through their account.",
            "Offer assisted digital help at the libraries and the contact centre.",
        ],
    ),
    (
        "Working from anywhere",
        "Staff and councillors able to work and meet securely wherever they are.",
        MODERN,
        [
            "Provide every member of staff who needs one with a laptop and headset.",
            "Equip the Council Chamber and two committee rooms for meetings "
            "with people attending remotely.",
            "Replace the desk telephones with calling through the "
            "collaboration software.",
        ],
    ),
    (
        "Secure and resilient technology",
        "Protect the council's services and information from cyber attack and failure.",
        SAFE,
        [
            "Achieve Cyber Essentials Plus by March 2021.",
            "Require multi-factor authentication for all remote access.",
            "Keep backups that cannot be altered or deleted, and test recovery "
            "twice a year.",
            "Move the remaining business systems to hosted services.",
        ],
    ),
    (
        "Data and insight",
        "Use the council's data to plan services and to be open about performance.",
        MODERN,
        [
            "Publish a monthly performance dashboard on the council's website.",
            "Bring customer, property and service data together for planning.",
        ],
    ),
    (
        "A connected borough",
        "Work with providers and neighbouring councils to improve connectivity "
        "for residents and businesses.",
        ECONOMY,
        [
            "Promote the government's gigabit broadband vouchers to businesses "
            "on the borough's industrial estates.",
            "Provide free public wireless internet in Ashcombe town centre and "
            "the market square.",
        ],
    ),
    (
        "Greener technology",
        "Reduce the environmental impact of the council's technology.",
        GREENER,
        [
            "Halve the council's printing by March 2022.",
            "Reuse or recycle all retired equipment through a certified partner.",
            "Choose hosting providers whose data centres run on renewable electricity.",
        ],
    ),
    (
        "Skills and partnerships",
        "Build the digital skills of staff, councillors and residents, and "
        "share services where it saves money.",
        RESIDENTS,
        [
            "Train a digital champion in every service.",
            "Run digital skills sessions for residents with the library "
            "service and local volunteers.",
            "Explore a shared service desk with a neighbouring council.",
        ],
    ),
]

STRATEGY_2020_RISKS = [
    {
        "description": "A ransomware attack encrypts council systems and backups.",
        "likelihood": MEDIUM,
        "impact": HIGH,
        "mitigation": "Immutable backups; multi-factor authentication; "
        "Cyber Essentials Plus; an incident response plan exercised twice a "
        "year.",
        "owner": "Head of ICT and Digital",
        "review_frequency": ReviewFrequency.MONTHLY,
    },
    {
        "description": "Global shortages delay deliveries of laptops and "
        "network equipment.",
        "likelihood": HIGH,
        "impact": MEDIUM,
        "mitigation": "Orders placed early through national frameworks; a "
        "small stock of spare devices kept.",
        "owner": "ICT Infrastructure Manager",
    },
    {
        "description": "Pressure on the council's finances after the pandemic "
        "reduces the money available.",
        "likelihood": MEDIUM,
        "impact": HIGH,
        "mitigation": "Projects prioritised by the savings they release; "
        "spending reported to the Finance and Performance Committee.",
        "owner": "Director of Resources",
    },
    {
        "description": "Residents without internet access or skills are left "
        "behind as services move online.",
        "likelihood": MEDIUM,
        "impact": MEDIUM,
        "mitigation": "Telephone and face-to-face access kept; assisted "
        "digital help in libraries; an equality impact assessment for each "
        "service moved online.",
        "owner": "Customer Services Manager",
    },
    {
        "description": "Staff wellbeing and productivity suffer from "
        "prolonged remote working.",
        "likelihood": MEDIUM,
        "impact": MEDIUM,
        "mitigation": "Equipment for home working; guidance on working "
        "hours; a regular staff survey.",
        "owner": "Head of Human Resources",
        "review_frequency": ReviewFrequency.SIX_MONTHLY,
    },
]

AMENDMENT_REASON = (
    "The move of the remaining business systems to hosted services is "
    "rescheduled to March 2022 to match the supplier's release of the revenues "
    "and benefits system; the scope and cost are unchanged."
)

# --- 3. ICT and Digital Strategy (the next one) ---------------------------------------


def _next_strategy_fields(start):
    end = start + 4
    return {
        "period_start_year": start,
        "period_end_year": end,
        "vision": _prose(
            """
            Ashcombe residents get things done with the council the first time,
            in the way they prefer, and the council's technology is secure,
            dependable and good value.
            """
        ),
        "summary": _prose(
            f"""
            The strategy for {start} to {end} follows Digital Ashcombe and sets
            five priorities: digital services residents prefer to use; secure
            and reliable technology; data used well and safely; skilled and
            confident staff; and value for money.

            It was shaped by this year's resident satisfaction survey, staff
            workshops and the Overview and Scrutiny Committee, and comes with a
            costed delivery plan reviewed each year.

            Funding: the ICT capital programme of £2.4m over four years and
            existing revenue budgets.
            """
        ),
        "body": _prose(
            """
            1. Context

            Digital Ashcombe moved most of the council's common services online
            and its staff onto laptops and hosted systems. Residents now expect
            to finish what they start online without having to phone; the
            resident survey found that having to follow up an online request
            by telephone is their most common complaint.

            2. Where we are now

            The council's servers have moved to cloud hosting, the telephony
            platform is being replaced, and most laptops reach the end of
            their supported life within two years. Eleven ICT contracts end
            within the period.

            3. Where we want to be

            By the end of the period residents should be able to complete and
            track every common request online; the council's systems should be
            secure by design and recover quickly from failure; and decisions
            should be informed by good data, handled lawfully.

            4. How we will get there

            Each of the five priorities has objectives and a lead. The delivery
            plan sets out the projects for the first two years and is reviewed
            each year with the budget.
            """
        ),
        "budget": Decimal("2400000.00"),
        "budget_implications": _prose(
            """
            Delivery is funded from the ICT capital programme of £2.4m over four
            years and existing revenue budgets. Projects over £250,000 will come
            to Cabinet for approval. The strategy expects savings of £300,000 a
            year by its third year from online services and contract
            consolidation.
            """
        ),
        "consultation": _prose(
            """
            The resident satisfaction survey (1,312 responses); four staff
            workshops; a briefing for all councillors; and pre-decision
            scrutiny by the Overview and Scrutiny Committee.
            """
        ),
    }


NEXT_STRATEGY_THEMES = [
    (
        "Digital services residents prefer to use",
        "Services designed with residents, that they can finish online.",
        RESIDENTS,
        [
            "Let residents complete and track every common request online.",
            "Remove the need to phone to follow up an online request.",
            "Keep telephone and face-to-face access, and fund digital skills "
            "sessions in libraries.",
        ],
    ),
    (
        "Secure and reliable technology",
        "Technology that is secure by design and recovers quickly.",
        SAFE,
        [
            "Keep Cyber Essentials Plus every year.",
            "Restore critical systems within four hours of a failure.",
            "Replace laptops and mobile devices before they lose support.",
        ],
    ),
    (
        "Data used well and safely",
        "Good data informing decisions, handled lawfully.",
        MODERN,
        [
            "Publish a data strategy and appoint data owners for each service.",
            "Meet every statutory deadline for information requests.",
        ],
    ),
    (
        "Skilled and confident staff",
        "Staff who get the most from the council's technology.",
        MODERN,
        [
            "Give every member of staff a digital skills assessment and training plan.",
            "Create two ICT apprenticeships each year with the local college.",
        ],
    ),
    (
        "Value for money",
        "Spending on technology that is planned, shared where sensible and "
        "lower in carbon.",
        GREENER,
        [
            "Consolidate the contracts that end within the period.",
            "Cut the carbon footprint of the council's technology by a quarter.",
        ],
    ),
]

NEXT_STRATEGY_RISKS = [
    {
        "description": "The council cannot recruit or keep skilled ICT staff.",
        "likelihood": HIGH,
        "impact": HIGH,
        "mitigation": "Apprenticeships; market supplements for hard-to-fill "
        "posts; use of a shared service for specialist skills.",
        "owner": "Head of ICT and Digital",
    },
    {
        "description": "Supplier prices rise faster than the ICT budget.",
        "likelihood": HIGH,
        "impact": MEDIUM,
        "mitigation": "Contracts consolidated and re-tendered through "
        "frameworks; prices benchmarked with neighbouring councils.",
        "owner": "Head of ICT and Digital",
    },
    {
        "description": "A cyber attack disrupts services for a long period.",
        "likelihood": MEDIUM,
        "impact": HIGH,
        "mitigation": "The Cyber Resilience Strategy; tested recovery plans; "
        "cyber insurance reviewed each year.",
        "owner": "ICT Security Lead",
        "review_frequency": ReviewFrequency.MONTHLY,
    },
    {
        "description": "Services are not redesigned, so online forms simply "
        "copy paper processes.",
        "likelihood": MEDIUM,
        "impact": MEDIUM,
        "mitigation": "Each project has a service owner and starts with "
        "research with residents.",
        "owner": "Director of Resources",
    },
]

# --- 4. Cyber Resilience Strategy -----------------------------------------------------


def _cyber_fields(start):
    end = start + 2
    return {
        "period_start_year": start,
        "period_end_year": end,
        "vision": _prose(
            """
            The council can keep its essential services running through a cyber
            incident and recover from one quickly.
            """
        ),
        "summary": _prose(
            """
            A draft three-year strategy for protecting the council's systems and
            information, detecting attacks early and recovering quickly. It
            supports the "secure and reliable technology" priority of the ICT
            and Digital Strategy.
            """
        ),
        "body": _prose(
            """
            1. Why a separate strategy

            Cyber attacks on local authorities have closed services for weeks.
            The council's insurers and auditors both ask for a clear, tested
            approach to cyber resilience.

            2. What it covers

            Protection, detection, response and recovery, for the council's own
            systems and for the suppliers that hold its data.
            """
        ),
        "budget": None,
        "budget_implications": (
            "To be confirmed when the draft is costed for the next budget round."
        ),
        "consultation": "Not yet consulted on: an officer draft.",
    }


CYBER_THEMES = [
    (
        "Prevent and protect",
        "Make the council a harder target.",
        SAFE,
        [
            "Patch critical vulnerabilities within fourteen days.",
            "Include cyber security requirements in every ICT contract.",
        ],
    ),
    (
        "Respond and recover",
        "Keep essential services running and restore the rest quickly.",
        SAFE,
        [
            "Exercise the incident response plan with senior managers twice a year.",
            "Agree paper-based fallbacks for each essential service.",
        ],
    ),
]

CYBER_RISKS = [
    {
        "description": "A supplier holding council data is compromised.",
        "likelihood": MEDIUM,
        "impact": HIGH,
        "mitigation": "Security assessment of suppliers before contract award.",
        "owner": "ICT Security Lead",
    },
]

# --- the committee business of 2018 and 2020 (as written) -------------------------

REMOTE = "Held remotely by video conference"
REMOTE_VENUES = {CABINET: REMOTE, SCRUTINY: REMOTE}

HISTORY_REPORTS = {
    "strategy-2018": {
        "title": STRATEGY_2018,
        "report_of": "Director of Resources",
        "contact": HEAD_OF_ICT,
        "key_decision": True,
        "forward_plan_notice_on": date(2018, 5, 31),
        "purpose": "To ask Cabinet to approve the ICT Strategy 2018–2023.",
        "summary": (
            "The ICT Strategy 2007–2011 was extended while the council's "
            "services were reorganised. The new strategy sets out four themes "
            "for the next five years: a sound technical foundation, services "
            "online, a mobile workforce, and information looked after and "
            "used well."
        ),
        "reasons": (
            "The council's network and servers need replacing, and a strategy "
            "is needed to set priorities for the ICT capital programme."
        ),
        "other_options": (
            "Replacing equipment as it fails, without a strategy, was rejected "
            "as costlier and riskier."
        ),
        "financial_implications": (
            "Delivered within an ICT capital programme of £2.4m over five years "
            "and the existing revenue budget."
        ),
        "recommendations": [
            "That Cabinet approves the ICT Strategy 2018–2023.",
            "That progress is reported each year to the Overview and Scrutiny "
            "Committee.",
        ],
    },
    "strategy-2020": {
        "title": STRATEGY_2020,
        "report_of": "Director of Resources",
        "contact": HEAD_OF_ICT,
        "key_decision": True,
        "forward_plan_notice_on": date(2020, 8, 14),
        "purpose": (
            "To ask Cabinet to approve a revised ICT strategy for 2020 to 2022, "
            "replacing the ICT Strategy 2018–2023."
        ),
        "summary": (
            "The move to remote working in 2020 brought forward much of the "
            "2018 strategy and changed some of its assumptions. The revised "
            "strategy has seven themes and a budget of £1.2m over two years."
        ),
        "reasons": (
            "The 2018 strategy no longer reflects how the council works; a "
            "revised strategy sets priorities for the next two years."
        ),
        "other_options": (
            "Continuing with the 2018 strategy unchanged was rejected because "
            "its timetable and budget profile no longer fit."
        ),
        "financial_implications": (
            "£1.2m over two years: £850,000 capital, re-phased from the ICT "
            "capital programme, and £350,000 revenue, partly from government "
            "emergency funding."
        ),
        "recommendations": [
            "That Cabinet approves Digital Ashcombe, the revised ICT Strategy "
            "2020–2022, replacing the ICT Strategy 2018–2023.",
            "That progress is reported to the Overview and Scrutiny Committee "
            "every six months.",
        ],
    },
}

HISTORY_MEETINGS = [
    ("scrutiny-2018", SCRUTINY, _at(date(2018, 6, 13), 19), True, [
        (f"{STRATEGY_2018}: pre-decision scrutiny", "strategy-2018"),
        ("Work programme", None),
    ]),
    ("cabinet-2018", CABINET, _at(date(2018, 7, 10), 18, 30), True, [
        (STRATEGY_2018, "strategy-2018"),
    ]),
    ("scrutiny-2020", SCRUTINY, _at(date(2020, 9, 9), 19), True, [
        (f"{STRATEGY_2020}: pre-decision scrutiny", "strategy-2020"),
        ("Work programme", None),
    ]),
    ("cabinet-2020", CABINET, _at(date(2020, 9, 29), 18, 30), True, [
        (STRATEGY_2020, "strategy-2020"),
    ]),
]  # fmt: skip

CABINET_CONSIDERED = "Cabinet considered the report of the Director of Resources"

HISTORY_DECISIONS = {
    "strategy-2018": {
        "title": STRATEGY_2018,
        "meeting": "cabinet-2018",
        "record": (
            f"{CABINET_CONSIDERED} seeking approval of the ICT Strategy "
            "2018–2023. The Head of ICT and Digital presented the strategy and "
            "reported that the Overview and Scrutiny Committee had endorsed it."
        ),
        "reasons": (
            "The strategy sets clear priorities for replacing the council's "
            "network and servers and for moving services online."
        ),
        "alternatives_rejected": "Replacing equipment as it fails.",
        "resolutions": [
            "That the ICT Strategy 2018–2023 be approved.",
            "That progress be reported each year to the Overview and Scrutiny "
            "Committee.",
        ],
        "published_at": _at(date(2018, 7, 12), 10),
    },
    "strategy-2020": {
        "title": STRATEGY_2020,
        "meeting": "cabinet-2020",
        "record": (
            f"{CABINET_CONSIDERED} seeking approval of Digital Ashcombe, a "
            "revised ICT strategy for 2020 to 2022. Councillor Helen Marsh, "
            "Cabinet Member for Resources, introduced the report and thanked "
            "ICT staff for the move to remote working. The Cabinet noted the "
            "comments of the Overview and Scrutiny Committee."
        ),
        "reasons": (
            "The ICT Strategy 2018–2023 no longer reflects how the council "
            "works after the move to remote working; the revised strategy "
            "sets priorities and a budget for the next two years."
        ),
        "alternatives_rejected": "Continuing with the 2018 strategy unchanged.",
        "resolutions": [
            "That Digital Ashcombe, the revised ICT Strategy 2020–2022, be "
            "approved, replacing the ICT Strategy 2018–2023.",
            "That the Director of Resources, in consultation with the Cabinet "
            "Member for Resources, be authorised to make minor amendments to "
            "the strategy.",
            "That progress be reported to the Overview and Scrutiny Committee "
            "every six months.",
        ],
        "published_at": _at(date(2020, 10, 1), 10),
    },
}


# --- helpers ----------------------------------------------------------------------


def _dated(value, days):
    """`value` (a dict of texts, or a text) with each "[meeting key]" in its
    texts replaced by that meeting's day in words."""
    if isinstance(value, dict):
        return {key: _dated(item, days) for key, item in value.items()}
    if isinstance(value, str):
        for key, day in days.items():
            value = value.replace(f"[{key}]", _long_date(day))
    return value


def _strategy(council, title, fields, *, author, people, replaces=None):
    """The strategy of `council` called `title`, created or (as a draft) updated.

    Content is brought up to date only while the strategy is a draft: after
    that it changes only through the lifecycle or an amendment.
    """
    values = {**fields, **people, "replaces": replaces}
    strategy = Strategy.objects.filter(organisation=council, title=title).first()
    if strategy is None:
        strategy = Strategy(
            organisation=council, title=title, created_by=author, **values
        )
    elif strategy.status != S.DRAFT or all(
        getattr(strategy, name) == value for name, value in values.items()
    ):
        return strategy
    else:
        for name, value in values.items():
            setattr(strategy, name, value)
    return save_with_reason(strategy, user=author, reason=REASON)


def _content(strategy, themes, risks, author):
    """Themes, objectives and risks of a draft (left alone once submitted)."""
    if strategy.status != S.DRAFT:
        return

    def upsert(model, lookup, values):
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
        elif all(getattr(obj, name) == value for name, value in values.items()):
            return obj
        else:
            for name, value in values.items():
                setattr(obj, name, value)
        return save_with_reason(obj, user=author, reason=REASON)

    for position, (title, description, priority, objectives) in enumerate(
        themes, start=1
    ):
        theme = upsert(
            Theme,
            {"strategy": strategy, "position": position},
            {
                "title": title,
                "description": description,
                "corporate_priority": priority,
            },
        )
        for number, text in enumerate(objectives, start=1):
            upsert(Objective, {"theme": theme, "position": number}, {"text": text})
    for position, spec in enumerate(risks, start=1):
        spec = dict(spec, position=position)
        description = spec.pop("description")
        spec.setdefault("review_frequency", ReviewFrequency.QUARTERLY)
        upsert(Risk, {"strategy": strategy, "description": description}, spec)


def _names(decision, record, user):
    """Make `decision` name `record` among the records it decides."""
    content_type = ContentType.objects.get_for_model(record)
    if not decision.decided_records.filter(
        content_type=content_type, object_id=record.pk
    ).exists():
        save_with_reason(
            DecidedRecord(
                decision=decision, content_type=content_type, object_id=record.pk
            ),
            user=user,
            reason=REASON,
        )


def _decision(council, spec, meeting, report, record, clerk):
    """A Cabinet decision naming `record`, published once (never again)."""
    spec = dict(spec)
    resolutions = spec.pop("resolutions")
    published_at = spec.pop("published_at")
    title = spec.pop("title")
    spec.pop("meeting")
    decision = DecisionRecord.objects.filter(organisation=council, title=title).first()
    if decision is None or decision.status == DecisionStatus.DRAFT:
        decision = _upsert(
            DecisionRecord,
            {"organisation": council, "title": title},
            {
                "meeting": meeting,
                "report": report,
                "decision_date": timezone.localtime(meeting.starts_at, LONDON).date(),
                "key_decision": report.key_decision,
                "conflicts_of_interest": "None declared",
                "dispensations": "None",
                **spec,
            },
        )
        for position, text in enumerate(resolutions, start=1):
            _upsert(
                Resolution, {"decision": decision, "position": position}, {"text": text}
            )
        _names(decision, record, clerk)
        decision = DECISION_PATH.perform(
            decision,
            "publish",
            clerk,
            inputs={"published_at": published_at},
            comment=REASON,
        )
    else:
        _names(decision, record, clerk)
    return decision


def _take(record, steps, papers=None):
    """Take each step (from its source status) not yet taken; return the record.

    A step is (transition, source status, user, inputs, comment, at,
    as_system). `at` is when it happened in the story: the date a draft was
    sent to its committee; the other steps are dated by their meeting or
    decision. Each is recorded at load time, with the date it happened, as
    it would be for a clerk recording a council's past business. `papers` maps
    a step to the meeting whose papers are sent (by the step's user) just
    before it is taken, with the record as that meeting saw it.
    """
    for name, source, user, inputs, comment, when, as_system in steps:
        if record.status != source:
            continue
        if name == "submit" and when is not None:
            inputs = {**inputs, "sent_on": timezone.localtime(when).date()}
        if papers and name in papers:
            send_demo_papers(papers[name], user)
        record = STRATEGY_LIFECYCLE.perform(
            record, name, user, inputs=inputs, comment=comment, as_system=as_system
        )
    return record


def _post(council, name):
    return Post.objects.get(organisation=council, name=name)


def _membership(user, council):
    return Membership.objects.get(user=user, organisation=council)


def _committees(council):
    return {c.name: c for c in Committee.objects.filter(organisation=council)}


# --- building ----------------------------------------------------------------------


def build(demo):
    _build_ashcombe(demo)
    _build_fenmoor(demo)


def _build_ashcombe(demo):
    council = demo.councils["ashcombe"]
    officer, clerk = demo.users["officer"], demo.users["clerk"]
    admin = demo.users["admin"]
    people = {
        "cabinet_member": _post(council, CABINET_MEMBER_FOR_RESOURCES),
        "director": _post(council, DIRECTOR_OF_RESOURCES),
        "lead_officer": _membership(officer, council),
    }
    today = demo.today
    years = demo.story = _story_years(council, today)
    calendar = Calendar(council)
    committees = _committees(council)
    # The story as written (2018 and 2020) moved by whole years to today's;
    # each meeting then on the next day its committee meets (a working day),
    # each decision published on the second working day after its meeting.
    specs = []
    for key, committee, starts_at, published, items in HISTORY_MEETINGS:
        day = calendar.meeting_day(years.day(starts_at.date()), starts_at.weekday())
        specs.append(
            (key, committee, _at(day, starts_at.hour, starts_at.minute), published,
             [(years.text(title), report) for title, report in items])
        )  # fmt: skip
    days = {spec[0]: timezone.localtime(spec[2], LONDON).date() for spec in specs}
    published_on = {
        key: calendar.after(calendar.after(days[f"cabinet-{key[-4:]}"]))
        for key in HISTORY_DECISIONS
    }
    history_reports = years.move(HISTORY_REPORTS)
    for key, spec in history_reports.items():
        spec["forward_plan_notice_on"] = min(
            spec["forward_plan_notice_on"],
            days[f"cabinet-{key[-4:]}"] - timedelta(days=35),
        )
    reports = _build_reports(council, history_reports)
    meetings = {}
    for year, venues in (("2018", ASHCOMBE_VENUES), ("2020", REMOTE_VENUES)):
        year_specs = [spec for spec in specs if spec[0].endswith(year)]
        meetings |= _build_meetings(committees, year_specs, reports, today, venues)
    decisions = years.move(HISTORY_DECISIONS)
    for key, spec in decisions.items():
        spec["published_at"] = _at(published_on[key], 10)

    def fields(spec):
        moved = _dated(years.move(spec), days)
        moved["period_start_year"] = years.year(spec["period_start_year"])
        moved["period_end_year"] = years.year(spec["period_end_year"])
        return moved

    # 1. ICT Strategy 2018–2023: approved in 2018, superseded in 2020.
    first = _strategy(
        council,
        years.text(STRATEGY_2018),
        fields(STRATEGY_2018_FIELDS),
        author=officer,
        people=people,
    )
    _content(
        first,
        years.move(STRATEGY_2018_THEMES),
        years.move(STRATEGY_2018_RISKS),
        officer,
    )
    decision_2018 = _decision(
        council,
        decisions["strategy-2018"],
        meetings["cabinet-2018"],
        reports["strategy-2018"],
        first,
        clerk,
    )
    present(reports["strategy-2018"], first, user=clerk, reason="Demo data")
    first = _take(
        first,
        [
            (
                "submit",
                S.DRAFT,
                officer,
                {"meeting": meetings["scrutiny-2018"]},
                "For pre-decision scrutiny before Cabinet in "
                f"{days['cabinet-2018']:%B}.",
                _at(calendar.before(days["scrutiny-2018"], 14), 16),
                False,
            ),
            (
                "record_scrutiny",
                S.SCRUTINY,
                clerk,
                {"outcome": ScrutinyOutcome.ENDORSED},
                "Minute 14 of the meeting.",
                _at(calendar.after(days["scrutiny-2018"]), 9, 30),
                False,
            ),
            (
                "approve",
                S.APPROVAL,
                clerk,
                {"decision": decision_2018},
                f"Approved by Cabinet on {_long_date(days['cabinet-2018'])}.",
                _at(published_on["strategy-2018"], 11),
                False,
            ),
        ],
        papers={
            "record_scrutiny": meetings["scrutiny-2018"],
            "approve": meetings["cabinet-2018"],
        },
    )

    # 2. Digital Ashcombe 2020–2022: approved in 2020 (superseding the first),
    #    amended under delegated powers in 2021.
    second = _strategy(
        council,
        years.text(STRATEGY_2020),
        fields(STRATEGY_2020_FIELDS),
        author=officer,
        people=people,
        replaces=first,
    )
    _content(
        second,
        years.move(STRATEGY_2020_THEMES),
        years.move(STRATEGY_2020_RISKS),
        officer,
    )
    decision_2020 = _decision(
        council,
        decisions["strategy-2020"],
        meetings["cabinet-2020"],
        reports["strategy-2020"],
        second,
        clerk,
    )
    present(reports["strategy-2020"], second, user=clerk, reason="Demo data")
    second = _take(
        second,
        [
            (
                "submit",
                S.DRAFT,
                officer,
                {"meeting": meetings["scrutiny-2020"]},
                "For pre-decision scrutiny before Cabinet on "
                f"{days['cabinet-2020'].day} {days['cabinet-2020']:%B}.",
                _at(calendar.before(days["scrutiny-2020"], 9), 15),
                False,
            ),
            (
                "record_scrutiny",
                S.SCRUTINY,
                clerk,
                {
                    "outcome": ScrutinyOutcome.ENDORSED_WITH_COMMENTS,
                    "committee_comments": _prose(
                        """
                        The committee endorsed the revised strategy. It asked
                        that help for residents who cannot use online services
                        be set out more clearly, and that councillors be
                        offered training in remote meetings.
                        """
                    ),
                },
                "Minute 22 of the meeting.",
                _at(calendar.after(days["scrutiny-2020"]), 10),
                False,
            ),
            (
                "approve",
                S.APPROVAL,
                clerk,
                {"decision": decision_2020},
                f"Approved by Cabinet on {_long_date(days['cabinet-2020'])}.",
                _at(published_on["strategy-2020"], 11),
                False,
            ),
        ],
        papers={
            "record_scrutiny": meetings["scrutiny-2020"],
            "approve": meetings["cabinet-2020"],
        },
    )
    first.refresh_from_db()
    _amend(second, officer, admin, years, calendar)

    # 3. The next ICT and Digital Strategy, with the scrutiny committee.
    start = _financial_year_start(today) + 1
    title = f"ICT and Digital Strategy {start}–{start + 4}"
    third = _strategy(
        council,
        title,
        _next_strategy_fields(start),
        author=officer,
        people=people,
        replaces=second,
    )
    _content(third, NEXT_STRATEGY_THEMES, NEXT_STRATEGY_RISKS, officer)
    _take(
        third,
        [
            (
                "submit",
                S.DRAFT,
                officer,
                {"meeting": _scrutiny_meeting_for(council, title, today)},
                "For pre-decision scrutiny before Cabinet.",
                _at(today, 9),  # sent on the day (not after it)
                False,
            ),
        ],
    )

    # 4. A Cyber Resilience Strategy, in draft.
    cyber = _strategy(
        council,
        f"Cyber Resilience Strategy {start}–{start + 2}",
        _cyber_fields(start),
        author=officer,
        people=people,
    )
    _content(cyber, CYBER_THEMES, CYBER_RISKS, officer)

    # The committee reports that put each strategy to its committees: their
    # papers carry the strategy in full and on a page as annexes.
    for report in Report.objects.filter(organisation=council, title=title):
        present(report, third, user=clerk, reason="Demo data")


def _story_years(council, today):
    """The years of the story: those it was built with the first time (so a
    later run, on any day, finds the same records), else today's."""
    first = (
        Strategy.objects.filter(organisation=council, title__regex=FIRST_TITLE)
        .order_by("pk")
        .first()
    )
    if first is None:
        return story_years(today)
    shift = first.period_start_year - STRATEGY_2018_FIELDS["period_start_year"]
    return StoryYears(plan=STORY_YEAR + shift)


def _amend(strategy, officer, authoriser, years, calendar):
    """The 2021 minor amendment under delegated powers (made once)."""
    if strategy.status != S.APPROVED or MinorAmendment.for_record(strategy).exists():
        return
    strategy.body = years.text(BODY_2020_AMENDED)
    save_with_reason(
        strategy,
        user=officer,
        reason=f"Minor amendment under delegated powers: {AMENDMENT_REASON}",
    )
    MinorAmendment.objects.create(
        content_type=ContentType.objects.get_for_model(Strategy),
        object_id=strategy.pk,
        made_on=calendar.on_or_after(years.day(date(2021, 3, 15))),
        made_by=officer,
        authorised_by=authoriser,
        reason=years.text(AMENDMENT_REASON),
        fields_changed=["body"],
    )


def _scrutiny_meeting_for(council, title, today):
    """The scrutiny meeting whose agenda has the strategy's report, else the next."""
    scrutiny = Meeting.objects.filter(
        committee__organisation=council, committee__kind=CommitteeKind.SCRUTINY
    )
    item = (
        AgendaItem.objects.filter(meeting__in=scrutiny, report__title=title)
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    if item is not None:
        return item.meeting
    return (
        scrutiny.filter(starts_at__date__gte=today).order_by("starts_at").first()
        or scrutiny.order_by("-starts_at").first()
    )


# --- Fenmoor District Council ----------------------------------------------------


def _build_fenmoor(demo):
    """Fenmoor's Digital Strategy, approved by the decision of its Cabinet.

    Fenmoor has no demo clerk, so recording the scrutiny outcome and the
    approval is done as the system.
    """
    council = demo.councils["fenmoor"]
    officer = demo.users["other-officer"]
    # Fenmoor's constitution makes pre-decision scrutiny of strategies
    # optional (its officer chose it for this one); Cabinet approves.
    if not Route.objects.filter(organisation=council, record_type="strategy"):
        route = save_with_reason(
            Route(organisation=council, record_type="strategy", scrutiny="optional"),
            user=None,
            reason=REASON,
        )
        route.approving_committees.set(
            Committee.objects.filter(organisation=council, kind=CommitteeKind.EXECUTIVE)
        )
    decision = (
        DecisionRecord.objects.filter(
            organisation=council,
            report__title__startswith="Digital Strategy ",
            meeting__committee__kind=CommitteeKind.EXECUTIVE,
        )
        .select_related("report", "meeting")
        .first()
    )
    years = decision and re.search(r"(\d{4})–(\d{4})", decision.report.title)
    if not years:
        return
    title = decision.report.title
    start, end = int(years[1]), int(years[2])
    today = demo.today
    cabinet_day = timezone.localtime(decision.meeting.starts_at, LONDON).date()
    calendar = Calendar(council)
    scrutiny_day = calendar.meeting_day(cabinet_day - timedelta(days=20), 3, False)
    meetings = _build_meetings(
        _committees(council),
        [
            (
                "scrutiny",
                SCRUTINY,
                _at(scrutiny_day, 19),
                True,
                [(f"{title}: pre-decision scrutiny", "strategy")],
            )
        ],
        {"strategy": decision.report},
        today,
        {SCRUTINY: FENMOOR_VENUE},
    )
    post = _membership(officer, council)
    strategy = _strategy(
        council,
        title,
        {
            "period_start_year": start,
            "period_end_year": end,
            "vision": (
                "Fenmoor residents and businesses can deal with the council "
                "online whenever they choose, through one account."
            ),
            "summary": _prose(
                """
                Three themes: online services for planning, waste and council
                tax; a single customer account; and joint ICT procurement with
                neighbouring districts. Delivered within the existing ICT
                budget of £780,000 a year and a capital allocation of
                £450,000.
                """
            ),
            "body": _prose(
                """
                The previous strategy has ended. This one concentrates on the
                services residents use most, and on buying technology jointly
                with neighbouring district councils to cut costs.
                """
            ),
            "budget": Decimal("450000.00"),
            "budget_implications": (
                "Capital allocation of £450,000; revenue within the existing "
                "ICT budget of £780,000 a year."
            ),
            "consultation": (
                "Parish councils, a residents' survey and the council's "
                "scrutiny committee."
            ),
        },
        author=officer,
        people={
            "cabinet_member": _post(
                council, "Cabinet Member for Customers and Digital"
            ),
            "director": _post(council, "Corporate Director"),
            "lead_officer": post,
        },
    )
    _content(
        strategy,
        [
            (
                "Online services people use",
                "Planning, waste and council tax online from start to finish.",
                "Customers first",
                [
                    "Put planning applications and comments online.",
                    "Let residents book bulky waste collections online.",
                ],
            ),
            (
                "One customer account",
                "A single sign-in for every council service.",
                "Customers first",
                [
                    "Launch a customer account for council tax and waste.",
                    "Add planning and licensing to the account.",
                ],
            ),
            (
                "Buying together",
                "Joint ICT procurement with neighbouring districts.",
                "Living within our means",
                [
                    "Agree a joint procurement plan with two neighbouring councils.",
                    "Share a service desk contract from its next renewal.",
                ],
            ),
        ],
        [
            {
                "description": "Neighbouring councils' contract dates do not "
                "line up, delaying joint procurement.",
                "likelihood": MEDIUM,
                "impact": LOW,
                "mitigation": "Short extensions to align end dates.",
                "owner": "ICT Service Manager",
            },
        ],
        officer,
    )
    _names(decision, strategy, None)
    published = decision.published_at or timezone.now()
    _take(
        strategy,
        [
            (
                "submit",
                S.DRAFT,
                officer,
                {"meeting": meetings["scrutiny"]},
                "For pre-decision scrutiny.",
                _at(scrutiny_day - timedelta(days=10), 15),
                False,
            ),
            (
                "record_scrutiny",
                S.SCRUTINY,
                None,
                {"outcome": ScrutinyOutcome.ENDORSED},
                REASON,
                _at(calendar.after(scrutiny_day), 10),
                True,
            ),
            (
                "approve",
                S.APPROVAL,
                None,
                {"decision": decision},
                REASON,
                published + timedelta(hours=1),
                True,
            ),
        ],
    )
