"""Reading the words and phrases of what is typed, and the engines'
expressions built from them."""

from search.backends import mysql_expression, sqlite_expression
from search.query import MAX_WORDS, parse


def test_words_are_read_between_spaces_and_punctuation():
    assert parse("cats, dogs; (birds)").words == ["cats", "dogs", "birds"]


def test_a_word_typed_with_combining_accents_is_one_word():
    assert parse("re\u0301sume\u0301").words == ["r\u00e9sum\u00e9"]


def test_operators_only_separate_words():
    query = parse('+cats -dogs @birds ~fish <foxes> *owls* "hens')
    assert query.words == ["cats", "dogs", "birds", "fish", "foxes", "owls"]
    assert query.phrases == [["hens"]]


def test_text_between_double_quotes_is_a_phrase():
    query = parse('fish "the cat sat" dogs')
    assert query.words == ["fish", "dogs"]
    assert query.phrases == [["the", "cat", "sat"]]


def test_short_and_common_words_are_left_out_and_named():
    query = parse("we the cats of it")
    assert query.words == ["cats"]
    assert query.ignored == ["we", "the", "of", "it"]


def test_phrase_of_short_and_common_words_only_is_left_out():
    query = parse('"to be or"')
    assert not query
    assert query.ignored == ["to be or"]


def test_phrase_keeps_its_short_words():
    assert parse('"on the mat"').phrases == [["on", "the", "mat"]]


def test_words_past_the_limit_are_left_out_and_said():
    query = parse(" ".join(f"word{n}" for n in range(MAX_WORDS + 5)))
    assert len(query.words) == MAX_WORDS
    assert query.truncated


def test_a_word_typed_twice_is_searched_once():
    assert parse("Cats cats CATS").words == ["Cats"]


def test_nothing_searchable_in_symbols_emoji_and_control_characters():
    query = parse("😀 \x00\x1b *+-<>()~@ ___")
    assert not query
    assert query.ignored == []


def test_mysql_expression_requires_each_word_as_prefix_and_each_phrase():
    query = parse('cats "the dog"')
    assert mysql_expression(query) == '+cats* +"the dog"'


def test_sqlite_expression_quotes_each_word_and_phrase():
    query = parse('cats NEAR "the dog" AND')
    assert sqlite_expression(query) == '"cats"* AND "NEAR"* AND "AND"* AND "the dog"'
