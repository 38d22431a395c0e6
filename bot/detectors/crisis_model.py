"""A sentence-level crisis classifier, trained with the model from the crisis intent's examples.

The intent classifier reads a whole message and spreads its belief over every intent, so one
risky sentence in a long paragraph about exams barely moves it. This model answers one question
(crisis or not) for each sentence of a message and keeps the highest score. Its verdict alone
is never taken as plainly stated risk: it leads to the confirming question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.text import blank_invisible, fold, normalise

# Sentence ends, line breaks and semicolons; texting-style run-ons are cut into windows below.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[\n;]+|\s+-\s+")
WINDOW_WORDS = 24
WINDOW_STRIDE = 12


def sentences(text: str) -> list[str]:
    """The parts of a message scored one by one: sentences, and windows of long run-ons."""
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


class SentenceCrisisModel:
    """Binary crisis-or-not over character and word n-grams, scored per sentence."""

    def __init__(self, pipeline: Pipeline | None = None) -> None:
        self.pipeline = pipeline

    @classmethod
    def train(
        cls, crisis: Iterable[str], other: Iterable[str], seed: int = 7
    ) -> SentenceCrisisModel:
        """Fit on crisis examples against every other example; classes are weighted equally."""
        positives, negatives = list(crisis), list(other)
        features = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                          sublinear_tf=True, preprocessor=normalise)),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 3), min_df=1,
                                          sublinear_tf=True, preprocessor=normalise,
                                          token_pattern=r"[\w']+")),
            ]
        )  # fmt: skip
        pipeline = Pipeline(
            [
                ("features", features),
                ("model", LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000,
                                             random_state=seed)),
            ]
        )  # fmt: skip
        pipeline.fit(positives + negatives, [1] * len(positives) + [0] * len(negatives))
        return cls(pipeline)

    def score(self, text: str) -> float:
        """The highest crisis probability over the message's sentences (0.0 when untrained)."""
        parts = sentences(text)
        if self.pipeline is None or not parts:
            return 0.0
        return float(self.pipeline.predict_proba(parts)[:, 1].max())
