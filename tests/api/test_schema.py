"""The OpenAPI schema: valid, and true to what the API sends. A generic
client reads the schema, requests every path it names, and checks each
response against the shapes the schema gives."""

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse

from .conftest import token_for


def test_the_schema_validates_with_no_warning(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )


def fill(path, ids):
    """`path` with its parameters filled: the council, then an id found by
    the generic client itself (the first record of the list the path is in)."""
    path = path.replace("{council}", "ashdown")
    return path.replace("{id}", str(ids[path])) if "{id}" in path else path


def first_ids(api, spec, headers):
    """{path with {id}: an id its list holds}, as a client would find them."""
    ids = {}
    for path in spec["paths"]:
        if "{id}" not in path:
            continue
        listing = path.split("{id}")[0].replace("{council}", "ashdown")
        if listing.rstrip("/").endswith("/items"):
            # Items are listed by workplan: read the first workplan's.
            workplans = api.get(listing.replace("/items/", "/workplans/"), **headers)
            listing = workplans.json()["results"][0]["links"]["self"] + "items/"
        results = api.get(listing, **headers).json()["results"]
        assert results, f"nothing to read at {listing}"
        ids[path.replace("{council}", "ashdown")] = results[0]["id"]
    return ids


@pytest.mark.parametrize("reader", ["public", "officer token"])
def test_a_generic_client_reads_every_path_and_gets_what_the_schema_says(
    world, cast, business, api, reader
):
    headers = {}
    if reader == "officer token":
        token = token_for(cast.officer, cast.council_a)
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    response = api.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    spec = response.json()
    ids = first_ids(api, spec, headers)
    checked = 0
    for path, operations in spec["paths"].items():
        operation = operations["get"]
        address = fill(path, ids) if "{" in path else path
        response = api.get(address, **headers)
        assert response.status_code == 200, (address, response.content)
        schema = dict(operation["responses"]["200"]["content"]["application/json"])
        shape = {**schema["schema"], "components": spec["components"]}
        jsonschema.Draft202012Validator(shape).validate(response.json())
        if "limit" in {parameter["name"] for parameter in operation["parameters"]}:
            as_csv = api.get(address + "?format=csv", **headers)
            assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
        checked += 1
    assert checked == len(spec["paths"]) >= 19
