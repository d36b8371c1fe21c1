"""Reading papers back in tests: text, tags and metadata."""

import http.server
import io
import threading

import pypdf


def read(pdf):
    """(reader, text of every page joined by newlines)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, text


def flat(text):
    """Text with every run of white space made one space (lines re-wrap)."""
    return " ".join(text.split())


def assert_tagged(reader, title, author):
    """A tagged PDF with the title, author and language set."""
    assert reader.metadata.title == title
    assert reader.metadata.author == author
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


def outline_titles(reader, outline=None):
    """Every bookmark title, depth first."""
    titles = []
    for entry in reader.outline if outline is None else outline:
        if isinstance(entry, list):
            titles += outline_titles(reader, entry)
        else:
            titles.append(entry.title)
    return titles


def fonts_of(reader):
    """The base names of the fonts the pages use (e.g. "/ABCDEF+Liberation-Sans")."""
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object().get("/BaseFont", "")))
    return names


class Canary(http.server.BaseHTTPRequestHandler):
    """A loopback server that records every request and answers with
    redirects to a local file and to another loopback port."""

    hits = []

    def do_GET(self):  # noqa: N802 - the http.server API
        Canary.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args):
        pass


def vectors(base):
    return f"""
    <img src="{base}/img.png">
    <img src="file:///etc/passwd">
    <img src="/static/../../../../etc/passwd">
    <img src="https://paper.invalid/static/%2e%2e/%2e%2e/etc/passwd">
    <link rel="attachment" href="file:///etc/passwd">
    <link rel="attachment" href="{base}/attachment">
    <link rel="stylesheet" href="{base}/style.css">
    <style>@import url({base}/import.css);
      body {{ background: url({base}/bg.png); }}</style>
    <svg width="10" height="10">
      <image href="{base}/svg.png" width="10" height="10"/></svg>
    <p>hostile vectors</p>
    """


def start_canary():
    """(base URL, server) of a running canary; `server.shutdown()` stops it."""
    Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def paper_pdf(kind, record, *, draft=False):
    """`kind`'s paper of `record` rendered now (not stored), DRAFT if asked."""
    from governance.papers import render_parts

    return render_parts(
        kind.title(record), record.organisation, kind.parts(record), draft=draft
    )
