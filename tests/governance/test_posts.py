"""Posts held by people (who need not have an account): kept by the
council's clerks and administrators, chosen on strategies and reports,
printed on their pages and papers."""

from django.urls import reverse

from governance.choices import PostKind
from governance.models import Membership, Post
from strategy import papers as strategy_papers
from strategy.models import Strategy
from tests.base import make_post
from tests.paper_helpers import flat, paper_pdf, read
from tests.strategy.test_strategy_pages import new_strategy_data


def posts_url(cast, name="posts", *args):
    return reverse(f"governance:{name}", args=[cast.council_a.slug, *args])


def test_a_clerk_adds_a_post_held_by_someone_without_an_account(cast, client_for):
    client = client_for(cast.clerk)

    response = client.post(
        posts_url(cast, "post_create"),
        {
            "kind": "cabinet-portfolio",
            "name": "Cabinet Member for Resources",
            "holder_name": "Councillor Helen Marsh",
            "holder": "",
            "contact": "",
        },
    )

    assert response.status_code == 302 and response["Location"] == posts_url(cast)
    post = Post.objects.get(organisation=cast.council_a)
    assert (post.kind, post.holder_name, post.holder) == (
        PostKind.CABINET_PORTFOLIO,
        "Councillor Helen Marsh",
        None,
    )
    assert post.history.get().history_user == cast.clerk
    page = client.get(posts_url(cast)).content.decode()
    assert "Cabinet Member for Resources" in page and "Councillor Helen Marsh" in page


def test_a_post_held_by_someone_with_an_account_takes_their_name(cast, client_for):
    officer = Membership.objects.get(user=cast.officer)

    client_for(cast.administrator).post(
        posts_url(cast, "post_create"),
        {"kind": "head-of-service", "name": "Head of ICT", "holder": officer.pk},
    )

    post = Post.objects.get(name="Head of ICT")
    assert (post.holder, post.holder_name) == (officer, "Officer Tester")


def test_bad_post_input_is_refused_and_nothing_saved(cast, client_for):
    make_post(cast.council_a, "Director of Resources")
    theirs = Membership.objects.get(user=cast.other_council)
    client = client_for(cast.clerk)
    before = Post.objects.count(), Post.history.count()

    for data, message in (
        ({"kind": "director", "name": "director of resources"}, "already a post"),
        (
            {"kind": "director", "name": "Director of Place", "holder": theirs.pk},
            "Select their account from the list",
        ),
        ({"kind": "clerk", "name": "Clerk"}, "Select the kind of post from the list"),
        ({"kind": "director", "name": ""}, "Enter the title of the post"),
    ):
        response = client.post(posts_url(cast, "post_create"), data)
        page = response.content.decode()
        assert response.status_code == 200 and "govuk-error-summary" in page, data
        assert message in page, data

    assert (Post.objects.count(), Post.history.count()) == before


def test_another_councils_post_is_not_found(cast, client_for):
    theirs = make_post(cast.council_b, "Brackley Director")

    response = client_for(cast.clerk).get(posts_url(cast, "post_update", theirs.pk))

    assert response.status_code == 404


def test_the_posts_page_takes_the_same_queries_however_many_posts(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.clerk)

    def add(count, start):
        for number in range(start, start + count):
            make_post(
                cast.council_a,
                f"Head of Service {number}",
                PostKind.HEAD_OF_SERVICE,
                holder=Membership.objects.get(user=cast.officer),
                holder_name="Officer Tester",
            )

    add(3, 0)
    client.get(posts_url(cast))  # warm the session and the role cache
    # Session, user, device, roles, council, then the posts with their holders.
    with django_assert_max_num_queries(8) as few:
        client.get(posts_url(cast))
    add(6, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(posts_url(cast))


def test_a_strategy_names_a_cabinet_portfolio_and_a_director_and_prints_them(
    cast, business, client_for
):
    portfolio = make_post(
        cast.council_a,
        "Cabinet Member for Resources",
        PostKind.CABINET_PORTFOLIO,
        holder_name="Councillor Helen Marsh",
    )
    director = make_post(
        cast.council_a, "Director of Resources", holder_name="Pat Director"
    )
    head = make_post(cast.council_a, "Head of ICT", PostKind.HEAD_OF_SERVICE)
    client = client_for(cast.officer)

    form = client.get(reverse("strategy:strategy_create")).context["form"]
    # Posts of the right kind only: no clerk (no account at all), no head of
    # service in the director list.
    assert list(form.fields["director"].queryset) == [director]
    assert list(form.fields["cabinet_member"].queryset) == [portfolio]
    assert head not in form.fields["director"].queryset
    response = client.post(
        reverse("strategy:strategy_create"),
        new_strategy_data(cabinet_member=portfolio.pk, director=director.pk),
    )

    strategy = Strategy.objects.get(title="Cloud First Strategy")
    assert response.status_code == 302
    assert (strategy.cabinet_member, strategy.director) == (portfolio, director)
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert "Councillor Helen Marsh, Cabinet Member for Resources" in page
    paper = flat(read(paper_pdf(strategy_papers.STRATEGY, strategy, draft=True))[1])
    assert (
        "Responsible cabinet member Councillor Helen Marsh, "
        "Cabinet Member for Resources" in paper
    )
    assert "Responsible director Pat Director, Director of Resources" in paper


def test_a_post_of_the_wrong_kind_or_council_is_refused_on_a_strategy(
    cast, business, client_for
):
    head = make_post(cast.council_a, "Head of ICT", PostKind.HEAD_OF_SERVICE)
    theirs = make_post(cast.council_b, "Brackley Director")
    client = client_for(cast.officer)
    before = Strategy.objects.count()

    for data in (
        {"director": head.pk},
        {"director": theirs.pk},
        {"cabinet_member": head.pk},
    ):
        response = client.post(
            reverse("strategy:strategy_create"), new_strategy_data(**data)
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()

    assert Strategy.objects.count() == before


def test_a_report_chooses_its_posts_from_its_councils_list(cast, business, client_for):
    report = business.report
    theirs = make_post(cast.council_b, "Brackley Director")
    portfolio = make_post(cast.council_a, "Cabinet Member", PostKind.CABINET_PORTFOLIO)
    client = client_for(cast.clerk)
    url = reverse("decisions:report_update", args=[report.pk])

    form = client.get(url).context["form"]
    assert portfolio not in form.fields["report_of"].queryset
    assert portfolio not in form.fields["contact"].queryset
    data = {
        "title": report.title,
        "report_of": theirs.pk,
        "contact": report.contact_id,
        "purpose": report.purpose,
        "wards_affected": "All wards",
        "urgency_route": "",
        "version": report.version,
        "recommendations-TOTAL_FORMS": "0",
        "recommendations-INITIAL_FORMS": "0",
        "recommendations-MIN_NUM_FORMS": "0",
        "recommendations-MAX_NUM_FORMS": "1000",
    }
    refused = client.post(url, data)
    assert (
        refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    )
    report.refresh_from_db()
    assert report.report_of.organisation == cast.council_a
