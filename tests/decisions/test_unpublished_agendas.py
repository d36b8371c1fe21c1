"""Members see that a meeting is coming, not what is on its agenda, until the
agenda is published: the rule is the agenda item queryset's
(`AgendaItemQuerySet.member_filter`), so every page and feed gets it."""

from django.urls import reverse

from governance.history import save_with_reason

from ..base import put_on_agenda

#: The cast's later meeting has this report on its unpublished agenda.
TITLE = "Telephony replacement"


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def publish_agenda(meeting, clerk):
    meeting.agenda_published = True
    return save_with_reason(meeting, user=clerk, reason="Agenda published")


def test_a_member_sees_the_meeting_but_not_its_agenda_until_it_is_published(
    cast, business, client_for
):
    meeting = business.later_meeting
    page = text(client_for(cast.member), meeting.get_absolute_url())
    assert TITLE not in page
    assert "There is no agenda yet." in page
    for role in ("officer", "clerk", "administrator"):
        assert TITLE in text(client_for(cast.user(role)), meeting.get_absolute_url())

    publish_agenda(meeting, cast.clerk)

    assert TITLE in text(client_for(cast.member), meeting.get_absolute_url())


def test_a_report_page_names_only_the_published_agendas_it_is_on_for_members(
    cast, business, client_for
):
    put_on_agenda(business.later_meeting, business.report, position=2)
    path = business.report.get_absolute_url()
    later = business.later_meeting.get_absolute_url()

    member = client_for(cast.member).get(path)
    assert [item.meeting for item in member.context["meetings"]] == [business.meeting]
    assert later not in member.content.decode()
    clerk = client_for(cast.clerk).get(path)
    assert {item.meeting for item in clerk.context["meetings"]} == {
        business.meeting,
        business.later_meeting,
    }
    assert later in clerk.content.decode()


def test_no_page_or_feed_gives_a_member_the_title_of_an_unpublished_agenda_item(
    cast, business, client_for
):
    report = business.unpublished_report
    report.key_decision = True
    save_with_reason(report, user=cast.clerk, reason="Test: a key decision")
    paths = [
        reverse("governance:home"),
        reverse("decisions:meeting_list"),
        business.later_meeting.get_absolute_url(),
        reverse("decisions:meeting_calendar"),
        reverse("decisions:decision_feed"),
        reverse("decisions:forward_plan"),
        reverse("decisions:decision_list"),
    ]
    member = client_for(cast.member)
    for path in paths:
        assert TITLE not in text(member, path), path
    # The officers' forward plan and meeting page do show it: the surfaces
    # above would show it if the rule let them.
    officer = client_for(cast.officer)
    assert TITLE in text(officer, reverse("decisions:forward_plan"))
    assert TITLE in text(officer, business.later_meeting.get_absolute_url())
