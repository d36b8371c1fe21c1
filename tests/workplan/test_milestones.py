from django.urls import reverse

from workplan.models import Milestone


def formset(version=1, **rows):
    data = {
        "version": str(version),
        "milestones-TOTAL_FORMS": str(len(rows)),
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    for index, (title, due) in enumerate(rows.values()):
        data[f"milestones-{index}-title"] = title
        data[f"milestones-{index}-due"] = due
    return data


def test_an_officer_adds_milestones_with_history(cast, business, client_for):
    url = reverse("workplan:milestones_update", args=[business.item.pk])
    response = client_for(cast.officer).post(
        url, formset(a=("Tender issued", "2023-05-01"), b=("Go live", "2023-09-01"))
    )
    assert response.status_code == 302
    titles = list(business.item.milestones.values_list("title", flat=True))
    assert titles == ["Tender issued", "Go live"]
    milestone = Milestone.objects.get(title="Go live")
    assert milestone.history.get().history_user == cast.officer


def test_a_bad_date_is_refused_and_nothing_saved(cast, business, client_for):
    url = reverse("workplan:milestones_update", args=[business.item.pk])
    response = client_for(cast.officer).post(
        url, formset(a=("Tender issued", "2023-02-31"), b=("Go live", "2023-09-01"))
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Milestone.objects.exists()
