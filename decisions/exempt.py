"""Exempt information: what may be withheld from the public, under which law.

A report (all of it, or only its annexes) or a part of a decision record may
be exempt under one paragraph of the access-to-information schedule of the
council's nation (`Organisation.nation`):

- England: Local Government Act 1972, Schedule 12A, paragraphs 1–7;
- Wales: the same Schedule as it applies in Wales, whose paragraphs are
  numbered 12–18;
- Scotland: Local Government (Scotland) Act 1973, Schedule 7A, paragraphs
  1–15 (no public interest test);
- Northern Ireland: Local Government Act (Northern Ireland) 2014,
  Schedule 6, paragraphs 1–7.

The fields every exempt thing carries are `ExemptInformation`'s. It is
*withheld* while exempt and not released; a release is for good (editing the
review date afterwards changes nothing). docs/exempt-information.md.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.choices import Nation


@dataclass(frozen=True)
class Schedule:
    nation: str
    #: How the schedule is cited, e.g. "Schedule 12A to the Local Government Act 1972".
    name: str
    #: Whether a paragraph applies only while the public interest in keeping
    #: the information exempt outweighs the public interest in disclosing it.
    public_interest_test: bool
    #: [(paragraph number, description)], in order.
    paragraphs: tuple


_INDIVIDUAL = _("Information about a particular person")
_IDENTITY = _("Information likely to reveal who a particular person is")
_BUSINESS = _(
    "Information about the financial or business affairs of a particular "
    "person, the council included"
)
_LABOUR = _(
    "Information about consultations or negotiations on a labour relations "
    "matter between the council and its employees"
)
_PRIVILEGE = _(
    "Information over which legal professional privilege could be claimed "
    "in legal proceedings"
)
_NOTICES = _(
    "Information revealing that the council proposes to serve a notice "
    "imposing requirements on a person, or to make an order or direction"
)
_CRIME = _(
    "Information about action taken or to be taken to prevent, investigate "
    "or prosecute crime"
)
_SEVEN = (_INDIVIDUAL, _IDENTITY, _BUSINESS, _LABOUR, _PRIVILEGE, _NOTICES, _CRIME)

SCHEDULES = {
    Nation.ENGLAND: Schedule(
        Nation.ENGLAND,
        _("Schedule 12A to the Local Government Act 1972"),
        True,
        tuple((str(number), text) for number, text in enumerate(_SEVEN, start=1)),
    ),
    Nation.WALES: Schedule(
        Nation.WALES,
        _("Schedule 12A to the Local Government Act 1972 (as it applies in Wales)"),
        True,
        tuple((str(number), text) for number, text in enumerate(_SEVEN, start=12)),
    ),
    Nation.SCOTLAND: Schedule(
        Nation.SCOTLAND,
        _("Schedule 7A to the Local Government (Scotland) Act 1973"),
        False,
        tuple(
            (str(number), text)
            for number, text in enumerate(
                (
                    _(
                        "Information about a particular employee, office-holder, "
                        "or applicant to be one, past or present"
                    ),
                    _(
                        "Information about a particular occupier of, or "
                        "applicant for, accommodation the council provides"
                    ),
                    _(
                        "Information about a particular applicant for, or "
                        "recipient of, a council service"
                    ),
                    _(
                        "Information about a particular applicant for, or "
                        "recipient of, financial help from the council"
                    ),
                    _(
                        "Information about the adoption, care, fostering or "
                        "education of a particular child"
                    ),
                    _(
                        "Information about the financial or business affairs "
                        "of a particular person other than the council"
                    ),
                    _(
                        "Information about anything done or to be done for a "
                        "particular person under section 27(1) of the Social "
                        "Work (Scotland) Act 1968 (reports on and supervision "
                        "of certain people)"
                    ),
                    _(
                        "What the council proposes to spend under a particular "
                        "contract for property, goods or services"
                    ),
                    _(
                        "Terms proposed in negotiating a contract for property, "
                        "goods or services"
                    ),
                    _(
                        "The identity of the council as the person offering a "
                        "particular tender for supplying goods or services"
                    ),
                    _(
                        "Information about consultations or negotiations on a "
                        "labour relations matter"
                    ),
                    _(
                        "Instructions to and opinions of counsel, and advice on "
                        "legal proceedings"
                    ),
                    _(
                        "Information revealing that the council proposes to "
                        "serve a notice or make an order or direction"
                    ),
                    _(
                        "Information about action taken or to be taken to "
                        "prevent, investigate or prosecute crime"
                    ),
                    _("The identity of a protected informant"),
                ),
                start=1,
            )
        ),
    ),
    Nation.NORTHERN_IRELAND: Schedule(
        Nation.NORTHERN_IRELAND,
        _("Schedule 6 to the Local Government Act (Northern Ireland) 2014"),
        True,
        tuple((str(number), text) for number, text in enumerate(_SEVEN, start=1)),
    ),
}


def schedule_for(organisation):
    """The schedule of exempt information the council's nation follows."""
    return SCHEDULES[Nation(organisation.nation)]


def paragraph_choices(organisation):
    """The choices for "exempt under paragraph", in the council's schedule."""
    return [
        (number, _("Paragraph %(number)s: %(text)s") % {"number": number, "text": text})
        for number, text in schedule_for(organisation).paragraphs
    ]


def paragraph_label(organisation, number):
    for value, text in schedule_for(organisation).paragraphs:
        if value == number:
            return text
    return ""


class ExemptInformation(models.Model):
    """The fields of something that may be exempt (a report, a decision
    record's exempt part). `paragraph` empty on an exempt row means it was
    marked exempt before paragraphs were recorded: the clerk picks one on
    the next edit; it stays withheld meanwhile."""

    exempt = models.BooleanField(_("exempt from publication"), default=False)
    exempt_paragraph = models.CharField(
        _("exempt under paragraph"), max_length=4, blank=True
    )
    exempt_reason = models.TextField(
        _("why it is exempt"),
        blank=True,
        help_text=_(
            "Why the public interest in keeping it exempt outweighs the public "
            "interest in disclosing it."
        ),
    )
    exempt_review_on = models.DateField(_("review date"), null=True, blank=True)
    #: Set once, when a clerk releases it: from then on it is public.
    exempt_released_on = models.DateField(_("released on"), null=True, blank=True)
    exempt_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    #: The review date a clerk was last reminded of (`exempt_reminders`):
    #: a new review date brings a new reminder.
    exempt_reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def withheld_q(cls, prefix=""):
        """A Q: rows whose exempt information is withheld now."""
        return models.Q(
            **{f"{prefix}exempt": True, f"{prefix}exempt_released_on__isnull": True}
        )

    @property
    def withheld(self):
        return bool(self.exempt) and self.exempt_released_on is None

    @property
    def released(self):
        return bool(self.exempt) and self.exempt_released_on is not None

    @property
    def exempt_notice(self):
        """ "Not for publication: exempt under paragraph N" (or, before a
        paragraph is recorded, without its number)."""
        if self.exempt_paragraph:
            return _("Not for publication: exempt under paragraph %(number)s") % {
                "number": self.exempt_paragraph
            }
        return _("Not for publication: exempt information")

    @property
    def exempt_paragraph_text(self):
        return paragraph_label(self.organisation, self.exempt_paragraph)


# --- reminders of review dates ------------------------------------------------


def reminders_due(today):
    """The reminders to send today (`governance.notifications`): to each
    clerk of a council (its administrators, if it has no clerk), the
    withheld reports and decision records' exempt parts whose review date
    has come and of which no clerk was yet reminded for that date."""
    from django.urls import reverse

    from governance.choices import Role
    from governance.models import Membership

    from .models import DecisionRecord, Report

    due = {}
    for model, route in (
        (Report, "decisions:report_exempt_review"),
        (DecisionRecord, "decisions:decision_exempt_review"),
    ):
        rows = (
            model.objects.filter(model.withheld_q(), exempt_review_on__lte=today)
            .exclude(exempt_reminded_for=models.F("exempt_review_on"))
            .select_related("organisation")
            .order_by("exempt_review_on", "pk")
        )
        for record in rows:
            due.setdefault(record.organisation, []).append(
                {
                    "record": record,
                    "review_on": record.exempt_review_on,
                    "url": reverse(route, args=[record.pk]),
                }
            )
    reminders = []
    for organisation, lines in due.items():
        people = Membership.objects.current().filter(organisation=organisation)
        recipients = [m.user for m in people.filter(role=Role.CLERK)] or [
            m.user for m in people.filter(role=Role.ADMINISTRATOR)
        ]
        for recipient in recipients:
            reminders.append(
                {
                    "recipient": recipient,
                    "organisation": organisation,
                    "subject": _("Exempt information due for review: %(council)s")
                    % {"council": organisation.name},
                    "lines": lines,
                    "template": "decisions/email/exempt_review_reminder.txt",
                    "note_sent": _noter(lines),
                }
            )
    return reminders


def _noter(lines):
    def note_sent(now):
        # Not a change of the record: no new version, no history row.
        for line in lines:
            type(line["record"]).objects.filter(pk=line["record"].pk).update(
                exempt_reminded_for=line["review_on"]
            )

    return note_sent
