"""Two officers edit the same draft in two browsers: nobody's text is lost."""

from governance.choices import Role
from strategy.models import Strategy

from ..base import build_business, make_person
from .conftest import Visitor


def test_the_second_save_is_refused_and_shows_both_texts(visit, cast, live_server):
    business = build_business(cast)
    make_person("second_officer", cast.council_a, Role.OFFICER)
    draft = business.draft_strategy
    edit = f"/strategies/{draft.pk}/edit/"

    # Two people, two browsers, the same form.
    context = visit.page.context.browser.new_context()
    other = Visitor(context.new_page(), live_server.url)
    try:
        visit.sign_in("officer")
        other.sign_in("second_officer")
        visit.goto(edit)
        other.goto(edit)

        visit.page.get_by_label("Vision").fill("Alpha: services online first.")
        visit.submit("Save the draft")
        assert "Draft saved." in visit.page.locator("main").inner_text()

        other.page.get_by_label("Vision").fill("Beta: residents first.")
        other.submit("Save the draft")
        main = other.page.locator("main").inner_text()
        assert "Someone else saved a change" in main
        assert "Alpha: services online first." in main  # theirs, shown
        # Mine is still in the form, not lost.
        assert other.page.get_by_label("Vision").input_value() == (
            "Beta: residents first."
        )
        assert Strategy.objects.get(pk=draft.pk).vision == (
            "Alpha: services online first."
        )

        # Having seen both, the second officer saves deliberately.
        other.submit("Save the draft")
        assert Strategy.objects.get(pk=draft.pk).vision == "Beta: residents first."
        other.finish()
    finally:
        context.close()
