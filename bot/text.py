"""Text normalisation shared by every detector, so that typography never decides what is matched."""

from __future__ import annotations

import re
import unicodedata

# Characters folded one-to-one, so offsets into the folded text are offsets into the original.
_FOLD = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote: the apostrophe phones type, which broke other bots
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u02bc": "'",  # modifier apostrophe
        "\uff07": "'",  # fullwidth apostrophe
        "`": "'",
        "\u00b4": "'",  # acute accent used as an apostrophe
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u202f": " ",
        "\u3000": " ",
        "\t": " ",
    }
)

# Invisible characters people paste (or our channel adds to defuse a leading "/"); they would
# otherwise split or glue words.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# Three or more of the same letter ("sooo", "stuuupid") become one; no English word the lexicons
# use has a tripled letter.
_STRETCHED = re.compile(r"([a-z])\1{2,}")

# Unusual spacing, including runs of newlines, carries no meaning for matching.
_SPACES = re.compile(r"\s+")

# Prefix that keeps Rasa's RegexMessageHandler from reading user text as "/intent" syntax.
SLASH_GUARD = "\u2060"


def blank_invisible(text: str) -> str:
    """Replace invisible characters with spaces, keeping every offset into the text."""
    return _INVISIBLE.sub(" ", text)


def drop_invisible(text: str) -> str:
    """Remove invisible characters (our own slash guard included) from text to quote back."""
    return _INVISIBLE.sub("", text)


def words(text: str) -> set[str]:
    """The normalised words of a message, for checks such as "did they ask to stop?"."""
    return set(re.findall(r"[a-z']+", normalise(text)))


def fold(text: str) -> str:
    """Fold quotes, dashes and odd spaces to ASCII, one character for one character."""
    return text.translate(_FOLD)


def normalise(text: str) -> str:
    """Return the form detectors match on: folded, invisible characters removed, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", fold(text)).lower()
    text = _STRETCHED.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def destretch(word: str) -> str:
    """Collapse stretched letters in one lower-case token ("stuuupid" -> "stupid")."""
    return _STRETCHED.sub(r"\1", word)


def starts_with_slash(text: str) -> bool:
    """Tell whether Rasa would read this user text as a hard-coded intent."""
    return (text or "").strip().startswith("/")
