"""Responses that hand a person a file of their council's records.

Nothing we serve as a file is public: papers, spreadsheets, the meetings
calendar and the decisions feed are read behind sign-in and hold what that
person may see. So every one of them goes out with
`Cache-Control: private, no-store`: no shared cache (a proxy) may keep it,
and the browser keeps no copy once it has been used (a shared council
computer). Stored papers still carry an ETag and answer 304 to a client that
sends it back; browsers, told not to store, simply fetch them again.
"""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

#: The Cache-Control of every download (see the module's docstring).
PRIVATE = "private, no-store"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def keep_private(response):
    """Mark `response` as a private download (replacing any Cache-Control)."""
    response["Cache-Control"] = PRIVATE
    return response


def private_attachment(response, filename):
    """`response` as a private download saved as `filename`."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return keep_private(response)


def attachment(content, filename, content_type):
    """A private download of `content` (bytes) saved as `filename`."""
    return private_attachment(
        HttpResponse(content, content_type=content_type), filename
    )
