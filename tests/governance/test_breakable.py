"""Long runs of text get break opportunities, never inside a tag or a
character reference."""

from governance.papers import BREAK_EVERY, breakable

ZWSP = "\u200b"


def test_a_long_run_between_tags_gets_a_break_every_few_characters():
    html = "<p>" + "x" * 200 + "</p>"
    out = breakable(html)
    assert out.replace(ZWSP, "") == html
    assert all(len(chunk) <= BREAK_EVERY for chunk in out[3:-4].split(ZWSP))


def test_short_words_tags_and_attributes_are_left_alone():
    long_value = "y" * 200
    html = f'<a href="#{long_value}" title="{long_value}">short words only</a>'
    assert breakable(html) == html


def test_character_references_are_never_split():
    html = "<p>" + "&amp;" * 100 + "&lt;" * 50 + "</p>"
    out = breakable(html)
    assert out.replace(ZWSP, "") == html
    for chunk in out[3:-4].split(ZWSP):
        assert chunk.count("&") == chunk.count(";")
