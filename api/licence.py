"""The licence every response of the API is published under."""

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = (
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
LICENCE = {"name": LICENCE_NAME, "url": LICENCE_URL}
#: The `Link` header every response carries (RFC 8288's "license" relation).
LINK_HEADER = f'<{LICENCE_URL}>; rel="license"'
