"""Papers of committee business (see `governance/papers.py`)."""

from governance.papers import render_paper

from .choices import DecisionStatus


def decision_record_pdf(decision):
    """The decision record; a draft carries the DRAFT mark."""
    return render_paper(
        "papers/decision_record.html",
        {
            "decision": decision,
            "organisation": decision.organisation,
            "resolutions": list(decision.resolutions.all()),
            "status": decision.current_status(),
            "draft": decision.status == DecisionStatus.DRAFT,
        },
    )
