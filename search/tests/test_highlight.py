"""The words found, marked in a comment's HTML without breaking it."""

from comments.formatting import render_markdown, render_plain
from search.highlight import highlight
from search.query import parse


def test_words_and_what_follows_them_in_the_word_are_marked():
    html = highlight("<p>Programming is fun</p>", parse("prog"))
    assert html == "<p><mark>Programming</mark> is fun</p>"


def test_words_are_marked_only_from_the_start_of_a_word():
    assert highlight("<p>diagram</p>", parse("gram")) == "<p>diagram</p>"


def test_case_and_accents_do_not_matter():
    assert highlight("<p>Un CAFÉ noir</p>", parse("cafe")) == (
        "<p>Un <mark>CAFÉ</mark> noir</p>"
    )


def test_phrase_words_are_marked_whole():
    html = highlight("<p>the cat sat on the catalogue</p>", parse('"cat sat"'))
    assert html == "<p>the <mark>cat</mark> <mark>sat</mark> on the catalogue</p>"


def test_links_and_attributes_are_left_as_they_are():
    html = render_markdown("[python docs](https://python.org/python)")
    marked = highlight(html, parse("python"))
    assert 'href="https://python.org/python"' in marked
    assert "<mark>python</mark> docs</a>" in marked


def test_escaped_text_stays_escaped():
    html = render_plain("<script>alert('x')</script> & scripts")
    marked = highlight(html, parse("script"))
    assert "<script>" not in marked
    assert "&lt;<mark>script</mark>&gt;" in marked
    assert "&amp; <mark>scripts</mark>" in marked


def test_text_that_names_the_mark_element_is_not_markup():
    html = render_plain("<mark>mark</mark>")
    marked = highlight(html, parse("mark"))
    assert marked.count("<mark>") == 3
    assert "&lt;<mark>mark</mark>&gt;" in marked
