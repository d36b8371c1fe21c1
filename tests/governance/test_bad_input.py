"""Generated input for the forms: never a server error, never a half-save."""

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from governance.models import Organisation

from ..base import build_cast, sign_in, with_version

text = st.text(max_size=300)
maybe = st.one_of(st.none(), text)


class OrganisationSettingsFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = build_cast()

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        region=st.one_of(
            st.sampled_from(["scotland", "northern-ireland", "wales", ""]), text
        ),
        reason=maybe,
    )
    def test_any_input_gives_a_page_or_a_redirect_and_never_a_half_save(
        self, region, reason
    ):
        council = self.cast.council_a
        sign_in(self.client, self.cast.administrator)
        before = Organisation.objects.filter(pk=council.pk).values().get()
        history_before = council.history.count()
        data = {
            "bank_holiday_region": region,
            "default_publication_time": "9am",
        }
        if reason is not None:
            data["change_reason"] = reason
        response = self.client.post(
            reverse("governance:organisation_settings", args=[council.slug]),
            with_version(
                self.client,
                reverse("governance:organisation_settings", args=[council.slug]),
                data,
            ),
        )
        assert response.status_code in (200, 302)
        after = Organisation.objects.filter(pk=council.pk).values().get()
        if response.status_code == 200:
            assert "govuk-error-summary" in response.content.decode()
            assert after == before
            assert council.history.count() == history_before
        else:
            assert council.history.count() == history_before + 1
            assert after["bank_holiday_region"] in (
                "england-and-wales",
                "scotland",
                "northern-ireland",
            )
