"""Importing a council's own spreadsheet through the pages, as it stands.

A sheet headed as councils head theirs ("Project", "Owner", "Status",
"Commentary", "Due", a column nobody can guess) goes through: upload, what
each column holds (guessed, the unguessable one chosen), what unreadable
values mean ("on track" as a RAG; a directorate the council does not have),
a check page with errors by the file's own column and cell and warnings
apart, and the import. Nothing the council wrote is lost; nothing is
invented (a blank percentage is not 0 %, a blank status is not "Not
started"). The kept upload is its uploader's, confirmed once.
"""

import datetime
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.choices import Role
from workplan import import_mapping
from workplan.choices import DeliveryStatus, Rag
from workplan.models import (
    Department,
    ImportUpload,
    ProgressNote,
    SavedImportColumns,
    WorkplanItem,
)

from ..base import (
    make_department,
    make_item,
    make_person,
    make_workplan,
    sign_in,
)

SHEET = (
    "Project,Owner,Directorate,Status,RAG,Due,% complete,Commentary,Ward\r\n"
    "Replace the telephony system,Officer Tester,Digital Services,"
    "went live in 2020,G,2020/21,,Contact centre moved first,All\r\n"
    "Laptop refresh,Pat Nobody,Digital Services,currently on track,on track,"
    "Q3 2022/23,40,Half the estate done,North\r\n"
    "Data centre exit,Officer Tester,,,Red,June 2023,,Supplier chosen,\r\n"
)
#: The choices a person makes on the columns page for `SHEET` when the
#: guesses are taken: only "Ward" has none.
GUESSED = {
    "column-0": "title",
    "column-1": "lead_officer",
    "column-2": "departments",
    "column-3": "status_as_reported",
    "column-4": "rag",
    "column-5": "target_date",
    "column-6": "percent_complete",
    "column-7": "note",
}


def csv_file(text=SHEET, name="ict-programme.csv"):
    return SimpleUploadedFile(name, text.encode(), "text/csv")


def url(name, workplan, upload=None):
    args = [workplan.pk] + ([upload.token] if upload else [])
    return reverse(f"workplan:{name}", args=args)


def upload_sheet(client, workplan, text=SHEET):
    response = client.post(url("import", workplan), {"file": csv_file(text)})
    assert response.status_code == 302, response.content.decode()[:3000]
    upload = ImportUpload.objects.get(token=response["Location"].split("/")[-3])
    assert response["Location"] == url("import_columns", workplan, upload)
    return upload


def token_of(response):
    return re.search(
        r'name="submission_token" value="([^"]+)"', response.content.decode()
    )[1]


@pytest.fixture
def workplan(cast, business):
    """A draft workplan with no items, of the approved strategy."""
    return make_workplan(cast, business.approved_strategy, 2030)


@pytest.fixture
def officer(cast):
    return sign_in(Client(), cast.officer)


def test_a_councils_sheet_imports_with_its_own_words_kept(cast, officer, workplan):
    upload = upload_sheet(officer, workplan)

    # Columns: each guessed by its name; "Ward" must be answered.
    page = officer.get(url("import_columns", workplan, upload))
    assert page.status_code == 200
    form = page.context["form"]
    for name, choice in GUESSED.items():
        assert form[name].initial == choice, name
    assert form["column-8"].initial == ""
    assert "“Contact centre moved first”" in page.content.decode()
    refused = officer.post(url("import_columns", workplan, upload), GUESSED)
    assert refused.status_code == 200
    assert "Select what the column “Ward” holds" in refused.content.decode()
    assert 'class="govuk-error-summary"' in refused.content.decode()
    assert SavedImportColumns.objects.count() == 0
    answered = officer.post(
        url("import_columns", workplan, upload),
        {**GUESSED, "column-8": "ignore", "remember": "on"},
    )
    assert answered["Location"] == url("import_values", workplan, upload)

    # Values: "on track" is no RAG until the officer says so; the
    # directorate is not the council's yet.
    page = officer.get(answered["Location"])
    text = page.content.decode()
    assert "“on track” in the column “RAG”" in text
    assert "Add these departments to the council: Digital Services" in text
    rag_field = next(
        value.field_name
        for value in page.context["form"].values
        if value.written == "on track"
    )
    refused = officer.post(answered["Location"], {rag_field: "-"})
    assert "Select what “on track” means" in refused.content.decode()
    chosen = officer.post(
        answered["Location"], {rag_field: Rag.GREEN, "create_departments": "on"}
    )
    assert chosen["Location"] == url("import_check", workplan, upload)

    # Check: every row good; readings listed apart; nothing saved yet.
    page = officer.get(chosen["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "All 3 rows can be imported" in text
    assert "“went live in 2020” read as Complete." in text
    assert "“Pat Nobody” has no account here: kept as the named lead." in text
    assert "Red with no reason: give one on the item." in text
    assert "Digital Services" in text and "Departments to add" in text
    assert "Target date (from “Due”)" in text
    assert WorkplanItem.objects.filter(workplan=workplan).count() == 0

    done = officer.post(chosen["Location"], {"submission_token": token_of(page)})
    assert done["Location"] == workplan.get_absolute_url()
    assert not ImportUpload.objects.filter(pk=upload.pk).exists()

    telephony, laptops, data_centre = WorkplanItem.objects.filter(
        workplan=workplan
    ).order_by("position")
    # Numbered in file order (the sheet has no reference column).
    assert [telephony.reference, laptops.reference, data_centre.reference] == [
        "1",
        "2",
        "3",
    ]
    assert telephony.status_as_reported == "went live in 2020"
    assert telephony.delivery_status == DeliveryStatus.COMPLETE
    assert telephony.percent_complete is None  # blank is not 0 %
    assert telephony.target_as_written == "2020/21"
    assert telephony.target_date == datetime.date(2021, 3, 31)
    assert telephony.lead_officer.user == cast.officer
    assert telephony.category == "" and telephony.work_type == ""
    assert [d.name for d in telephony.departments.all()] == ["Digital Services"]
    assert laptops.lead_officer is None and laptops.lead_name == "Pat Nobody"
    assert laptops.rag == Rag.GREEN and laptops.percent_complete == 40
    assert laptops.target_date == datetime.date(2022, 12, 31)
    assert data_centre.delivery_status == DeliveryStatus.NOT_STATED
    assert data_centre.rag == Rag.RED
    note = ProgressNote.objects.get(item=telephony)
    assert note.text == "Contact centre moved first"
    assert note.written_on == timezone.localdate()
    assert note.source == "Imported from ict-programme.csv"
    assert Department.objects.filter(
        organisation=cast.council_a, name="Digital Services"
    ).exists()

    # Every word the council wrote about the item is on its page.
    item_page = officer.get(laptops.get_absolute_url()).content.decode()
    for words in (
        "Laptop refresh",
        "Pat Nobody",
        "Digital Services",
        "currently on track",
        "Q3 2022/23",
        "40% complete",
        "Half the estate done",
    ):
        assert words in item_page, words
    assert (
        "0% complete" not in officer.get(telephony.get_absolute_url()).content.decode()
    )

    # The same headers next time: the council's choices come back.
    again = upload_sheet(officer, workplan, SHEET.replace("Laptop", "Tablet"))
    page = officer.get(url("import_columns", workplan, again))
    assert "These are the choices saved for spreadsheets with these columns" in (
        page.content.decode()
    )
    assert page.context["form"]["column-8"].initial == "ignore"


def test_errors_name_the_files_own_column_and_cell(officer, workplan):
    text = SHEET.replace("June 2023", "31/02/2023")
    upload = upload_sheet(officer, workplan, text)
    officer.post(
        url("import_columns", workplan, upload), {**GUESSED, "column-8": "ignore"}
    )
    upload.refresh_from_db()
    upload.values = {"rag": {"on track": "green"}}
    upload.create_departments = True
    upload.save()

    page = officer.get(url("import_check", workplan, upload))
    text = page.content.decode()

    assert "1 of 3 rows need correcting" in text
    assert '<a href="#row-4">Row 4, Due: “31/02/2023” is not a real date' in text
    assert '<td class="govuk-table__cell">Due (F4)</td>' in text
    assert 'id="row-4"' in text
    assert "Import 2 items" not in text and 'name="submission_token"' not in text
    assert page.context["result"].errors[0].cell == "F4"


def test_the_upload_is_its_uploaders_alone_and_expires(cast, officer, workplan):
    upload = upload_sheet(officer, workplan)
    colleague = make_person("second-officer", cast.council_a, Role.OFFICER)
    other = sign_in(Client(), colleague)

    for name in ("import_columns", "import_values", "import_check"):
        page = other.get(url(name, workplan, upload))
        assert page.status_code == 404
        assert "Your upload has expired or was not found" in page.content.decode()
    forged = ImportUpload(token="not-a-token")
    assert officer.get(url("import_check", workplan, forged)).status_code == 404
    # Another workplan's address with this token: not found either.
    elsewhere = make_workplan(cast, workplan.strategy, 2029)
    assert officer.get(url("import_columns", elsewhere, upload)).status_code == 404

    ImportUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - import_mapping.UPLOAD_MAX_AGE
    )
    assert officer.get(url("import_columns", workplan, upload)).status_code == 404


def test_confirming_twice_imports_once(officer, workplan):
    upload = upload_sheet(officer, workplan, "Reference,Title\r\nA1,One\r\nA2,Two\r\n")
    officer.post(
        url("import_columns", workplan, upload),
        {"column-0": "reference", "column-1": "title"},
    )
    page = officer.get(url("import_check", workplan, upload))
    data = {"submission_token": token_of(page)}

    first = officer.post(url("import_check", workplan, upload), data)
    again = officer.post(url("import_check", workplan, upload), data)
    # A second tab's confirmation (its own token, the same content) is the
    # same confirmation sent again.
    other_tab = officer.post(
        url("import_check", workplan, upload), {"submission_token": str(uuid.uuid4())}
    )

    assert first.status_code == 302 and again.status_code == 302
    assert again["Location"] == first["Location"]
    assert other_tab["Location"] == first["Location"]
    assert WorkplanItem.objects.filter(workplan=workplan).count() == 2


def test_references_taken_since_the_check_refuse_the_import_and_say_why(
    cast, officer, workplan
):
    upload = upload_sheet(officer, workplan, "Reference,Title\r\nA1,One\r\nA2,Two\r\n")
    officer.post(
        url("import_columns", workplan, upload),
        {"column-0": "reference", "column-1": "title"},
    )
    page = officer.get(url("import_check", workplan, upload))
    make_item(cast, workplan, "a1")

    response = officer.post(
        url("import_check", workplan, upload), {"submission_token": token_of(page)}
    )

    assert response.status_code == 200
    assert "“A1” is already used by an item in this workplan." in (
        response.content.decode()
    )
    assert WorkplanItem.objects.filter(workplan=workplan).count() == 1


def test_an_export_imports_back_into_an_empty_workplan_as_it_was(
    cast, officer, workplan
):
    """Every field the import takes is in the export, headed so that the
    import reads it back without a question."""
    source = make_workplan(cast, workplan.strategy, 2031)
    department = make_department(cast.council_a, "Revenues and Benefits")
    item = make_item(
        cast,
        source,
        "EX-01",
        description="Move the contact centre to the cloud.",
        sponsor="Executive Board",
        start_date=datetime.date(2031, 4, 1),
        target_date=datetime.date(2032, 3, 31),
        target_as_written="2031/32",
        budget="25000.50",
        status_as_reported="procurement under way",
        delivery_status=DeliveryStatus.IN_PROGRESS,
        rag=Rag.AMBER,
        rag_reason="Supplier late",
        percent_complete=None,
        lead_name="Pat Nobody",
    )
    item.departments.add(department)
    ProgressNote.objects.create(
        item=item, text="Tender out", written_on=datetime.date(2031, 5, 1)
    )
    make_item(cast, source, "EX-02", category="", work_type="", percent_complete=30)
    for fmt in ("csv", "xlsx"):
        exported = officer.get(
            reverse(f"workplan:workplan_export_{fmt}", args=[source.pk])
        )
        data = (
            b"".join(exported.streaming_content)
            if exported.streaming
            else (exported.content)
        )
        target = make_workplan(cast, workplan.strategy, 2032 if fmt == "csv" else 2033)
        response = officer.post(
            url("import", target),
            {"file": SimpleUploadedFile(f"export.{fmt}", data)},
        )
        upload = ImportUpload.objects.get(token=response["Location"].split("/")[-3])
        columns = officer.get(response["Location"]).context["form"]
        # Every column is known by its header: no question to answer.
        answers = {name: columns[name].initial for name in columns.fields}
        assert all(answers[f"column-{c.index}"] for c in columns.columns), answers
        answers["remember"] = ""
        step = officer.post(url("import_columns", target, upload), answers)
        assert step["Location"] == url("import_check", target, upload)
        page = officer.get(step["Location"])
        assert page.context["result"].errors == []
        officer.post(step["Location"], {"submission_token": token_of(page)})

        fields = [
            "reference",
            "title",
            "description",
            "theme_id",
            "category",
            "work_type",
            "lead_officer_id",
            "lead_name",
            "sponsor",
            "start_date",
            "target_date",
            "target_as_written",
            "budget",
            "delivery_status",
            "status_as_reported",
            "rag",
            "rag_reason",
            "percent_complete",
        ]
        for before, after in zip(
            source.items.order_by("position", "pk"),
            target.items.order_by("position", "pk"),
            strict=True,
        ):
            assert {f: getattr(after, f) for f in fields} == {
                f: getattr(before, f) for f in fields
            }, fmt
            assert [d.name for d in after.departments.all()] == [
                d.name for d in before.departments.all()
            ]
            assert [n.text for n in after.notes.all()] == [
                n.text for n in before.notes.all()
            ]


def test_the_check_page_costs_the_same_queries_for_ten_rows_or_two_hundred(
    officer, workplan
):
    counts = []
    for rows in (10, 200):
        text = "Reference,Title,Owner,Status\r\n" + "".join(
            f"R{n},Item {n},Someone {n},on track\r\n" for n in range(rows)
        )
        upload = upload_sheet(officer, workplan, text)
        officer.post(
            url("import_columns", workplan, upload),
            {
                "column-0": "reference",
                "column-1": "title",
                "column-2": "lead_officer",
                "column-3": "status_as_reported",
            },
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert officer.get(url("import_check", workplan, upload)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_an_officer_of_another_council_cannot_reach_the_pages(cast, workplan):
    upload_owner = sign_in(Client(), cast.officer)
    upload = upload_sheet(upload_owner, workplan)
    stranger = make_person("b-officer-2", cast.council_b, Role.OFFICER)
    client = sign_in(Client(), stranger)
    for name in ("import_columns", "import_values", "import_check"):
        assert client.get(url(name, workplan, upload)).status_code == 404


# --- updating items already in the workplan ---------------------------------------

UPDATE_SHEET = (
    "Reference,Title,RAG,RAG reason,% complete,Due,Sponsor,Commentary\r\n"
    "U1,Move email to the cloud,Amber,Supplier late,60,2031/32,,Half moved\r\n"
    "U2,Renew the firewall,,,,,,\r\n"
    "U3,Replace the intranet,Green,,10,,,\r\n"
)


def choose_update_columns(client, workplan, upload):
    response = client.post(
        url("import_columns", workplan, upload),
        {
            "column-0": "reference",
            "column-1": "title",
            "column-2": "rag",
            "column-3": "rag_reason",
            "column-4": "percent_complete",
            "column-5": "target_date",
            "column-6": "sponsor",
            "column-7": "note",
        },
    )
    assert response["Location"] == url("import_check", workplan, upload)


def test_a_newer_copy_of_the_plan_updates_its_draft_items_listing_each_change(
    cast, officer, workplan
):
    first = make_item(
        cast,
        workplan,
        "U1",
        title="Move email to the cloud",
        percent_complete=20,
        sponsor="Executive Board",
    )
    second = make_item(cast, workplan, "U2", title="Renew the firewall", rag="green")
    upload = upload_sheet(officer, workplan, UPDATE_SHEET)
    choose_update_columns(officer, workplan, upload)

    # Refused at first, with the offer to update instead.
    page = officer.get(url("import_check", workplan, upload))
    assert "2 rows of the file have the reference of an item" in (page.content.decode())
    toggled = officer.post(
        url("import_check", workplan, upload), {"update_existing": "yes"}
    )
    assert toggled["Location"] == url("import_check", workplan, upload)
    page = officer.get(toggled["Location"])
    text = page.content.decode()
    result = page.context["result"]
    assert result.errors == []
    assert [row.item.reference for row in result.new_rows] == ["U3"]
    assert [row.existing for row in result.updates] == [first]
    assert [row.existing for row in result.unchanged] == [second]
    changes = {c.field: (c.before, c.after) for c in result.updates[0].changes}
    # Blank cells (U2's RAG, U1's sponsor) clear nothing.
    assert changes == {
        "target_date": ("–", "31 March 2032"),
        "target_as_written": ("–", "2031/32"),
        "rag": ("–", "Amber"),
        "rag_reason": ("–", "Supplier late"),
        "percent_complete": ("20%", "60%"),
    }
    assert "Changes to items already in the workplan (1)" in text
    assert "Import 1 item and update 1" in text

    done = officer.post(
        url("import_check", workplan, upload), {"submission_token": token_of(page)}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.percent_complete, first.rag, first.sponsor) == (
        60,
        Rag.AMBER,
        "Executive Board",
    )
    assert first.target_as_written == "2031/32"
    assert second.rag == Rag.GREEN
    assert first.history.first().history_change_reason == (
        "Updated: Imported from ict-programme.csv"
    )
    assert [n.text for n in first.notes.all()] == ["Half moved"]
    assert workplan.items.count() == 3
    assert "1 item imported and 1 item updated." in (
        officer.get(done["Location"]).content.decode()
    )


def test_an_approved_plans_items_take_progress_as_progress_and_scope_as_variations(
    cast, business, officer
):
    from workplan.models import Variation

    from ..base import approve_workplan

    workplan = business.workplan
    item = make_item(cast, workplan, "U1", title="Move email to the cloud")
    approve_workplan(cast, business, workplan)
    workplan.refresh_from_db()
    upload = upload_sheet(officer, workplan, UPDATE_SHEET)
    choose_update_columns(officer, workplan, upload)
    officer.post(url("import_check", workplan, upload), {"update_existing": "yes"})
    page = officer.get(url("import_check", workplan, upload))
    text = page.content.decode()
    assert "Target date (variation)" in text and "Percent complete (progress)" in text
    token = token_of(page)

    # The variation's reason, partner and date are asked for.
    refused = officer.post(
        url("import_check", workplan, upload), {"submission_token": token}
    )
    assert refused.status_code == 200
    assert "Say why the plan is changing." in refused.content.decode()
    item.refresh_from_db()
    assert item.percent_complete == 0

    agreed_on = workplan.approving_decision.decision_date
    done = officer.post(
        url("import_check", workplan, upload),
        {
            "submission_token": token_of(refused),
            "variation_reason": "Programme board re-planned the year",
            "agreed_with": "Digital Programme Board",
            "agreed_on": agreed_on.isoformat(),
        },
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    item.refresh_from_db()
    assert item.percent_complete == 60 and item.target_as_written == "2031/32"
    variation = Variation.objects.get(item=item)
    assert variation.kind == Variation.Kind.RESCHEDULED
    assert variation.agreed_with == "Digital Programme Board"
    assert [c["field"] for c in variation.changes] == [
        "Target date",
        "Target as written",
    ]
    # The new rows are additions, waiting for their agreement.
    added = workplan.items.get(reference="U3")
    assert Variation.objects.get(item=added).kind == Variation.Kind.ADDED
    assert not added.is_approved
