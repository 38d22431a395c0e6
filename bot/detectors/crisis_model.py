"""A sentence-level crisis classifier, trained with the model from the crisis intent's examples.

The intent classifier reads a whole message and spreads its belief over every intent, so one
risky sentence in a long paragraph about exams barely moves it. This model reads each sentence of
a message on its own and keeps the riskiest. It tells the risk categories apart (and "none"), so
a risk only it noticed can still be named and get the right crisis lines. Its verdict alone is
never taken as plainly stated risk: it leads to the confirming question.

Beside it, a second model reads the whole message at once and says how risky it is as a whole.
In a long everyday post, one sentence out of many can score high by chance ("I keep thinking
maybe I'm not cut out for pharmacy"); the whole-message reading is what tells that post from a
long post in which the one risky sentence is meant (bot/nlu/signals.py decides how it is used).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spacy_lookups_data
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.text import blank_invisible, fold, normalise

# Sentence ends, line breaks and semicolons; texting-style run-ons are cut into windows below.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[\n;]+|\s+-\s+")
WINDOW_WORDS = 24
WINDOW_STRIDE = 12
# Inverse regularisation strength of the logistic regression (chosen on corpora/crisis_dev*.csv).
C = 8.0
# The same for the whole-message model (one trial, 4.0, not tuned further).
MESSAGE_C = 4.0


_WORD = re.compile(r"[\w']+")


@cache
def _lemma_table() -> dict[str, str]:
    """spaCy's English lemma lookup table, word -> lemma: read from the installed
    spacy-lookups-data package (WordNet-derived, under its licence there), never copied here."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def lemmas(text: str) -> str:
    """The message's words as lemmas ("threw" -> "throw", "bruises" -> "bruise"), so one
    wording teaches its other tenses and numbers too."""
    table = _lemma_table()
    return " ".join(table.get(word, word) for word in _WORD.findall(normalise(text)))


def sentences(text: str) -> list[str]:
    """A message's sentences, with long run-ons cut into windows."""
    parts = []
    for sentence in _SENTENCE_END.split(blank_invisible(fold(text or ""))):
        tokens = sentence.split()
        if not tokens:
            continue
        if len(tokens) <= WINDOW_WORDS + WINDOW_STRIDE:
            parts.append(" ".join(tokens))
            continue
        for start in range(0, len(tokens) - WINDOW_STRIDE, WINDOW_STRIDE):
            parts.append(" ".join(tokens[start : start + WINDOW_WORDS]))
    return parts


def readings(parts: list[str]) -> list[str]:
    """What the model scores of a message's sentences: each one, and each two neighbours read
    together when they are short enough, since one disclosure is often said across two
    ("It's done. I've taken them.") and neither half says it alone."""
    joined = (f"{first} {second}" for first, second in zip(parts, parts[1:], strict=False))
    return parts + [pair for pair in joined if len(pair.split()) <= WINDOW_WORDS]


NONE = "none"
# Named only when the model is this sure which category it is, among the risk categories; below
# it, the risk is "unspecified" and gets the general crisis lines rather than a wrong guess.
MIN_CATEGORY_SHARE = 0.7
UNSPECIFIED = "unspecified"


@dataclass(frozen=True)
class Assessment:
    """The riskiest part's score (1 - P(none)), the category it was read as, and how many
    sentences the message has (a long message gives more chances of one false high score)."""

    score: float = 0.0
    category: str = UNSPECIFIED
    sentences: int = 0
    # The whole message's risk as the message model reads it; 1.0 when there is no such model,
    # so that nothing is ever let off for want of it.
    context: float = 1.0


class SentenceCrisisModel:
    """Risk categories and "none" over character, word and lemma n-grams, scored per sentence."""

    def __init__(
        self, pipeline: Pipeline | None = None, message_pipeline: Pipeline | None = None
    ) -> None:
        self.pipeline = pipeline
        self.message_pipeline = message_pipeline

    @classmethod
    def train(
        cls,
        labelled: Iterable[tuple[str, str]],
        messages: Iterable[tuple[str, bool]] = (),
        seed: int = 7,
    ) -> SentenceCrisisModel:
        """Fit on (text, label) pairs; label is a risk category or "none"; classes weigh alike.
        Whole messages marked risky or not, when given, train the message model beside it."""
        texts, labels = [], []
        for text, label in labelled:
            texts.append(text)
            labels.append(label)
        if NONE not in labels or len(set(labels)) < 2:
            raise ValueError("the crisis model needs crisis examples and other examples")
        lemma_grams = TfidfVectorizer(analyzer="word", ngram_range=(1, 3), min_df=1,
                                      sublinear_tf=True, preprocessor=lemmas,
                                      token_pattern=r"\S+")  # fmt: skip
        features = [*_char_and_word_grams(max_words=3), ("lemmas", lemma_grams)]
        pipeline = _classifier(features, C, seed)
        pipeline.fit(texts, labels)
        return cls(pipeline, _train_message_model(list(messages), seed))

    def assess(self, text: str) -> Assessment:
        """The riskiest part of the message, and its category when the model is sure of it."""
        said = sentences(text)
        parts = readings(said)
        if self.pipeline is None or not parts:
            return Assessment()
        classes = list(self.pipeline.classes_)
        probabilities = self.pipeline.predict_proba(parts)
        risk = 1.0 - probabilities[:, classes.index(NONE)]
        riskiest = probabilities[int(risk.argmax())]
        score = float(risk.max())
        category, share = UNSPECIFIED, 0.0
        for name, probability in zip(classes, riskiest, strict=True):
            if name != NONE and score > 0 and probability / score > share:
                category, share = name, probability / score
        if share < MIN_CATEGORY_SHARE:
            category = UNSPECIFIED
        return Assessment(score, category, len(said), self._context(text))

    def _context(self, text: str) -> float:
        """How risky the whole message reads, or 1.0 without a message model (models trained
        before it existed have no such attribute)."""
        message_pipeline = getattr(self, "message_pipeline", None)
        if message_pipeline is None:
            return 1.0
        classes = list(message_pipeline.classes_)
        return float(message_pipeline.predict_proba([text])[0][classes.index(True)])


def _char_and_word_grams(max_words: int) -> list[tuple[str, TfidfVectorizer]]:
    """Character n-grams within words, and word n-grams up to max_words, of normalised text."""
    return [
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                  sublinear_tf=True, preprocessor=normalise)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, max_words), min_df=1,
                                  sublinear_tf=True, preprocessor=normalise,
                                  token_pattern=r"[\w']+")),
    ]  # fmt: skip


def _classifier(features: list[tuple[str, TfidfVectorizer]], c: float, seed: int) -> Pipeline:
    """A logistic regression over the union of the features, classes weighed alike."""
    return Pipeline(
        [
            ("features", FeatureUnion(features)),
            ("model", LogisticRegression(C=c, class_weight="balanced", max_iter=3000,
                                         random_state=seed)),
        ]
    )  # fmt: skip


def _train_message_model(messages: list[tuple[str, bool]], seed: int) -> Pipeline | None:
    """Risky or not over whole messages: character n-grams and words, no lemmas (a message is
    read for its drift, not its one phrase). None when there are not both kinds to learn from."""
    if len({risky for _, risky in messages}) < 2:
        return None
    pipeline = _classifier(_char_and_word_grams(max_words=2), MESSAGE_C, seed)
    texts = [text for text, _ in messages]
    pipeline.fit(texts, [risky for _, risky in messages])
    return pipeline


def _trigrams(text: str) -> set[tuple[str, ...]]:
    tokens = normalise(text).split()
    return {tuple(tokens[i : i + 3]) for i in range(max(len(tokens) - 2, 1))}


def paragraph_messages(path: Path) -> Iterator[tuple[str, bool]]:
    """Each long written message whole, and whether it carries a risk (its category is not
    "none"), for the whole-message model."""
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield row["text"], row["category"] != NONE


def paragraph_examples(path: Path) -> Iterator[tuple[str, str]]:
    """Sentence-level examples from long written messages (`text,category,risk_sentence`).

    In a crisis message one sentence, `risk_sentence`, carries the risk: it is an example of its
    category, and every other sentence of the message is an example of "none" (the everyday
    talk around a disclosure). A part that shares words with the risk sentence without being it
    is left out. Every sentence of a benign message is "none".
    """
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            category = row["category"]
            risk = (row.get("risk_sentence") or "").strip()
            if category != NONE:
                if not risk:
                    raise ValueError(f"{path}: a crisis row without its risk_sentence")
                yield risk, category
            risky = _trigrams(risk) if risk else set()
            for part in sentences(row["text"]):
                if not risky & _trigrams(part):
                    yield part, NONE
