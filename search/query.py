"""
What a search asks for: the words and phrases read from the text typed.

The text is never given to an engine as it is. It is cut into words (runs of
letters, digits and underscores; everything else, the engines' operators
included, only separates them) and phrases (the words between double quotes),
and each engine builds its own expression from those (search.backends).

Both engines must answer alike, so the words they cannot both find are left
out, and the page says which:

- words shorter than MIN_WORD_LENGTH: InnoDB does not index them
  (``innodb_ft_min_token_size``, 3 by default);
- InnoDB's default stopwords, which it does not index either (whether it
  does depends on a session setting at the moment the table is rebuilt, so
  they are left out of every search rather than trusted to be there).

Inside a phrase every word counts ("on the mat"): both engines check a phrase
against the text itself, so a phrase needs only one word they index.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# InnoDB's innodb_ft_min_token_size, by default.
MIN_WORD_LENGTH = 3
# At most this many words, those in phrases included: each costs the engine
# a lookup, and InnoDB refuses long phrases.
MAX_WORDS = 10
# InnoDB's default stopword list (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD).
STOPWORDS = frozenset({
    "a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for",
    "from", "how", "i", "in", "is", "it", "la", "of", "on", "or", "that", "the",
    "this", "to", "was", "what", "when", "where", "who", "will", "with", "und",
    "www",
})  # fmt: skip

WORD = re.compile(r"\w+")
# A phrase: from a double quote to the next, or to the end of the text.
PHRASE = re.compile(r'"([^"]*)"?')


@dataclass
class Query:
    # Each matched as a whole word or the start of one.
    words: list[str] = field(default_factory=list)
    # Each a list of words, matched as whole words one after the other ("cat"
    # alone between quotes: the whole word only, not catalogue).
    phrases: list[list[str]] = field(default_factory=list)
    # What was typed but is not searched for: too short or too common.
    ignored: list[str] = field(default_factory=list)
    # Whether words were dropped past MAX_WORDS.
    truncated: bool = False

    def __bool__(self):
        return bool(self.words or self.phrases)


def is_searchable(word: str) -> bool:
    """Whether both engines index the word."""
    return (
        len(word) >= MIN_WORD_LENGTH
        and word.casefold() not in STOPWORDS
        # Underscores alone are no word to the reader.
        and word.strip("_") != ""
    )


def parse(text: str) -> Query:
    """The words and phrases of the text typed into the search box."""
    # Composed, as keyboards type and the comments are stored: a word typed
    # with combining accents ("re\u0301sume\u0301") is one word, not three.
    text = unicodedata.normalize("NFC", text)
    query = Query()
    seen = set()
    budget = MAX_WORDS

    def take(words):
        nonlocal budget
        if len(words) > budget:
            query.truncated = True
            return False
        budget -= len(words)
        return True

    position = 0
    parts = []
    for match in PHRASE.finditer(text):
        parts.append((False, text[position : match.start()]))
        parts.append((True, match.group(1)))
        position = match.end()
    parts.append((False, text[position:]))

    for is_phrase, part in parts:
        words = WORD.findall(part)
        if is_phrase and words:
            if not any(is_searchable(word) for word in words):
                query.ignored.append(" ".join(words))
            elif take(words):
                query.phrases.append(words)
            continue
        for word in words:
            key = word.casefold()
            if key in seen:
                continue
            seen.add(key)
            if not is_searchable(word):
                if word.strip("_"):
                    query.ignored.append(word)
            elif take([word]):
                query.words.append(word)
    return query
