"""Demo committees, call-in rules, meetings, reports and decision records.

Called by `manage.py load_demo` (see `governance/demo.py`); running it again
updates in place.
"""

from datetime import date, time

from governance.history import save_with_reason

from .choices import CommitteeKind
from .models import CallInRule, Committee

REASON = "Demo data"

COMMITTEES = [
    ("Cabinet", CommitteeKind.EXECUTIVE),
    ("Overview and Scrutiny Committee", CommitteeKind.SCRUTINY),
    ("Finance and Performance Committee", CommitteeKind.OTHER),
]

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


def build(demo):
    for slug, council in demo.councils.items():
        for name, kind in COMMITTEES:
            committee = Committee.objects.filter(
                organisation=council, name=name
            ).first()
            if committee is None or committee.kind != kind:
                committee = committee or Committee(organisation=council, name=name)
                committee.kind = kind
                save_with_reason(committee, user=None, reason=REASON)

        rule = CallInRule.objects.filter(
            organisation=council, applies_from=date(2000, 1, 1)
        ).first() or CallInRule(organisation=council, applies_from=date(2000, 1, 1))
        wanted = CALL_IN_RULES[slug]
        if rule.pk is None or any(getattr(rule, k) != v for k, v in wanted.items()):
            for field, value in wanted.items():
                setattr(rule, field, value)
            save_with_reason(rule, user=None, reason=REASON)
