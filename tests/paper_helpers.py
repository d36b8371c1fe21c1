"""Reading papers back in tests: text, tags and metadata."""

import io

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
