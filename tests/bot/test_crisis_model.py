"""The sentence-level crisis model: scores per sentence, named categories, its place in the NLU."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.detectors.crisis_model import (
    UNSPECIFIED,
    Assessment,
    SentenceCrisisModel,
    lemmas,
    paragraph_examples,
    paragraph_messages,
    readings,
    sentences,
)
from bot.nlu.signals import (
    LONG_MESSAGE_MIN_CONTEXT,
    LONG_MESSAGE_MIN_SCORE,
    LONG_MESSAGE_OTHER_RISK_MIN_SCORE,
    LONG_MESSAGE_SENTENCES,
    SENTENCE_MIN_SCORE,
    SignalDetector,
    model_raises_flag,
)
from bot.text import normalise
from tests.conftest import ROOT

# Tiny made-up training sets: enough to tell the categories apart in these tests, nothing more.
ABUSE = [
    "he hits me when he is angry",
    "my partner hit me again last night",
    "he hit me and I am scared of him",
    "she hits me and takes my money",
    "I'm scared of him when he drinks, he hits me",
    "my boyfriend hits me and says it is my fault",
    "he gets like this when he is angry and I hide",
    "when he is angry he gets like this",
]
MEDICAL = [
    "my chest hurts and my left arm is numb",
    "crushing chest pain that won't stop",
    "I can't breathe properly and my chest hurts",
    "chest pain and I feel faint",
    "my dad has chest pain and is sweating",
    "sharp chest pain spreading to my jaw",
]
NONE = [
    "I made pasta for dinner",
    "the bus was late again this morning",
    "I'm watching a film about the ocean",
    "my cat knocked a glass off the table",
    "work was long but fine",
    "going for a walk in the park later",
    "I'm such an idiot, I forgot my keys",
    "we won the football match on Saturday",
]


@pytest.fixture(scope="module")
def model() -> SentenceCrisisModel:
    pairs = [(t, "abuse_or_violence") for t in ABUSE]
    pairs += [(t, "medical_emergency") for t in MEDICAL]
    pairs += [(t, "none") for t in NONE]
    return SentenceCrisisModel.train(pairs)


def test_names_the_category_it_is_sure_of(model: SentenceCrisisModel) -> None:
    assessment = model.assess("he hits me")
    assert assessment.category == "abuse_or_violence"
    assert assessment.score > model.assess("I made pasta").score


def test_one_risky_sentence_in_a_long_message_counts(model: SentenceCrisisModel) -> None:
    alone = model.assess("chest pain and my arm is numb").score
    buried = model.assess(
        "Work was long. The bus was late again. I made pasta for dinner. "
        "Chest pain and my arm is numb. My cat knocked a glass off the table."
    )
    # Read alone and beside its neighbours: never less risky than alone.
    assert buried.score >= alone - 1e-9
    assert buried.category == "medical_emergency"
    assert buried.sentences == 5


def test_two_short_sentences_are_also_read_together() -> None:
    # Neither half says it; the two together do.
    overdose = [
        "it's done, I've taken them all",
        "done. taken the lot",
        "it's done I took them all",
        "I've done it, I've taken them",
    ]
    halves = ["it's done", "the essay is done", "done and dusted", "I've taken them to school",
              "taken them back to the shop", "I've taken them out for pizza"]  # fmt: skip
    pairs = [(t, "substance_overdose") for t in overdose] + [(t, "none") for t in NONE + halves]
    model = SentenceCrisisModel.train(pairs)
    together = model.assess("It's done. I've taken them.").score
    assert together > model.assess("It's done.").score
    assert together > model.assess("I've taken them.").score
    assert model.assess("It's done. I've taken them. Bye.").score == pytest.approx(together)


def test_readings_join_neighbours_only_while_short() -> None:
    assert readings(["It's done.", "I've taken them.", "Bye."]) == [
        "It's done.", "I've taken them.", "Bye.",
        "It's done. I've taken them.", "I've taken them. Bye.",
    ]  # fmt: skip
    long_ = " ".join(["word"] * 20)
    assert readings([long_, "and five more words here"]) == [long_, "and five more words here"]
    assert readings([]) == []


def test_a_long_message_needs_a_higher_score() -> None:
    # Each sentence of a long message is another chance of one false high score.
    between = (SENTENCE_MIN_SCORE + LONG_MESSAGE_MIN_SCORE) / 2
    assert model_raises_flag(Assessment(between, sentences=LONG_MESSAGE_SENTENCES))
    assert not model_raises_flag(Assessment(between, sentences=LONG_MESSAGE_SENTENCES + 1))
    assert model_raises_flag(Assessment(LONG_MESSAGE_MIN_SCORE, sentences=40))
    assert not model_raises_flag(Assessment(SENTENCE_MIN_SCORE - 0.01, sentences=1))


def test_a_long_message_read_as_another_risk_needs_a_higher_score_still() -> None:
    # Long everyday posts about food, rows and drink are read as eating, abuse or overdose risk;
    # hinted suicide in a long post, or an unsure category, keeps the long-message score.
    long_ = LONG_MESSAGE_SENTENCES + 1
    between = (LONG_MESSAGE_MIN_SCORE + LONG_MESSAGE_OTHER_RISK_MIN_SCORE) / 2
    assert model_raises_flag(Assessment(between, "suicide_or_self_harm", long_))
    assert model_raises_flag(Assessment(between, "unspecified", long_))
    for other in ("eating_disorder_behaviour", "abuse_or_violence", "substance_overdose"):
        assert not model_raises_flag(Assessment(between, other, long_))
        assert model_raises_flag(Assessment(LONG_MESSAGE_OTHER_RISK_MIN_SCORE, other, long_))
        assert model_raises_flag(Assessment(between, other, LONG_MESSAGE_SENTENCES))


def test_a_long_message_that_reads_as_everyday_as_a_whole_is_not_flagged() -> None:
    # One high sentence among many in a post the whole-message model reads as everyday.
    long_ = LONG_MESSAGE_SENTENCES + 1
    below = LONG_MESSAGE_MIN_CONTEXT - 0.01
    assert not model_raises_flag(Assessment(0.99, "suicide_or_self_harm", long_, below))
    assert model_raises_flag(
        Assessment(0.99, "suicide_or_self_harm", long_, LONG_MESSAGE_MIN_CONTEXT)
    )
    # Short messages keep their sentence score alone; without a message model, nothing changes.
    assert model_raises_flag(Assessment(0.99, "suicide_or_self_harm", LONG_MESSAGE_SENTENCES, 0.0))
    assert model_raises_flag(Assessment(LONG_MESSAGE_MIN_SCORE, sentences=long_))


def test_the_message_model_reads_the_whole_message(model: SentenceCrisisModel) -> None:
    everyday = "Work was long. The bus was late. I made pasta. My cat knocked a glass over."
    risky = "He hits me when he is angry. He hit me again last night. I am scared of him."
    messages = [(t, True) for t in ABUSE + MEDICAL + [risky]] + [(t, False) for t in NONE]
    messages.append((everyday, False))
    pairs = [(t, "abuse_or_violence") for t in ABUSE] + [(t, "none") for t in NONE]
    trained = SentenceCrisisModel.train(pairs, messages)
    assert trained.assess(risky).context > trained.assess(everyday).context
    assert 0.0 <= trained.assess(everyday).context < 0.5 < trained.assess(risky).context
    # Trained without whole messages (or read by a model pickled before they existed): 1.0.
    assert model.assess(everyday).context == 1.0
    del trained.message_pipeline
    assert trained.assess(everyday).context == 1.0


def test_an_unsure_category_is_unspecified() -> None:
    # Two categories trained on the same words: the model cannot tell them apart.
    same = ["I am not safe right now", "I'm not safe tonight", "not safe at all right now"]
    pairs = [(t, "abuse_or_violence") for t in same] + [(t, "harm_to_others") for t in same]
    pairs += [(t, "none") for t in NONE]
    assessment = SentenceCrisisModel.train(pairs).assess("I am not safe right now")
    assert assessment.category == UNSPECIFIED


def test_lemmas_fold_tense_and_number_after_normalising() -> None:
    # One wording teaches its other forms: "threw" is "throw", "bruises" is "bruise".
    assert lemmas("She THREW plates… bruises everywhere, I’m starving") == (
        "she throw plate bruise everywhere i'm starve"
    )
    assert lemmas("") == ""


def test_untrained_or_empty_is_no_risk(model: SentenceCrisisModel) -> None:
    assert SentenceCrisisModel().assess("he hits me").score == 0.0
    assert model.assess("   ").score == 0.0


def test_training_needs_both_kinds_of_example() -> None:
    with pytest.raises(ValueError, match="crisis examples and other"):
        SentenceCrisisModel.train([(t, "abuse_or_violence") for t in ABUSE])
    with pytest.raises(ValueError, match="crisis examples and other"):
        SentenceCrisisModel.train([(t, "none") for t in NONE])


def test_run_ons_are_cut_into_overlapping_windows() -> None:
    run_on = " ".join(f"w{i}" for i in range(80))
    parts = sentences(run_on)
    assert len(parts) > 1
    assert all(len(part.split()) <= 24 for part in parts)
    assert sentences("One. Two!\nThree; four") == ["One.", "Two!", "Three", "four"]


@pytest.fixture(scope="module")
def component(model: SentenceCrisisModel) -> SignalDetector:
    return SignalDetector(SignalDetector.get_default_config(), sentence_model=model)


def _message(text: str, intent: str, confidence: float, metadata: dict | None = None) -> Message:
    message = Message({"text": text, "intent": intent})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set(
        "intent_ranking",
        [{"name": intent, "confidence": confidence}, {"name": "chitchat", "confidence": 0.01}],
    )
    if metadata is not None:
        message.set("metadata", metadata)
    return message


def test_the_intent_classifier_alone_never_raises_the_flag(component: SignalDetector) -> None:
    (message,) = component.process([_message("I made pasta for dinner", "crisis", 0.99)])
    assert message.get("intent")["name"] == "chitchat"
    assert message.get("signals")["risk_category"] is None


def test_the_model_alone_asks_the_question_and_names_the_category(
    component: SignalDetector,
) -> None:
    # No floor pattern matches this; only the model can notice it.
    (message,) = component.process(
        [_message("he gets like this when he is angry", "mood_low", 0.6)]
    )
    signals = message.get("signals")
    assert message.get("intent")["name"] == "crisis_check"
    assert signals["risk_detector"] == "classifier"
    assert signals["risk_category"] == "abuse_or_violence"
    assert signals["risk_level"] == "ambiguous"


def test_training_labels_come_from_metadata_then_the_floor(component: SignalDetector) -> None:
    def label(text: str, intent: str, metadata: dict | None = None) -> str:
        example = Message({"text": text, "intent": intent})
        if metadata is not None:
            example.set("metadata", metadata)
        return component._training_label(example)

    tagged = {"intent": {"risk_category": "child_safeguarding"}}
    assert label("he keeps messaging me", "crisis", tagged) == "child_safeguarding"
    assert label("I want to kill myself", "crisis") == "suicide_or_self_harm"
    assert label("everything is grey and far away", "crisis") == UNSPECIFIED
    assert label("I want to kill myself", "chitchat") == "none"


def _write_paragraphs(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["text", "category", "explicitness", "risk_sentence"])
        writer.writeheader()
        writer.writerows(rows)


def test_long_messages_teach_the_risky_sentence_and_the_talk_around_it(tmp_path: Path) -> None:
    corpus = tmp_path / "paragraphs.csv"
    risky = "I have started hiding my dinner in the bin so nobody sees."
    _write_paragraphs(
        corpus,
        [
            {
                "text": f"Exams went fine. My cat is asleep on my notes. {risky} Anyway, more tea.",
                "category": "eating_disorder_behaviour",
                "explicitness": "indirect",
                "risk_sentence": risky,
            },
            {
                "text": "The match was brutal. We got slaughtered. Pizza after.",
                "category": "none",
                "explicitness": "benign",
                "risk_sentence": "",
            },
        ],
    )
    examples = list(paragraph_examples(corpus))
    assert [risky for _, risky in paragraph_messages(corpus)] == [True, False]
    assert (risky, "eating_disorder_behaviour") in examples
    assert ("My cat is asleep on my notes.", "none") in examples
    assert ("We got slaughtered.", "none") in examples
    # The risky sentence is never also taught as "none".
    assert all(not (label == "none" and "hiding my dinner" in text) for text, label in examples)


def test_a_crisis_paragraph_must_mark_its_risky_sentence(tmp_path: Path) -> None:
    corpus = tmp_path / "paragraphs.csv"
    _write_paragraphs(
        corpus,
        [
            {
                "text": "a. b.",
                "category": "harm_to_others",
                "explicitness": "indirect",
                "risk_sentence": "",
            }
        ],  # fmt: skip
    )
    with pytest.raises(ValueError, match="risk_sentence"):
        list(paragraph_examples(corpus))


def test_changing_the_long_messages_changes_the_fingerprint(tmp_path: Path) -> None:
    config = {**SignalDetector.get_default_config(), "sentence_corpus_dir": str(tmp_path)}
    before = SignalDetector.fingerprint_addon(config)
    _write_paragraphs(tmp_path / "more.csv", [])
    after = SignalDetector.fingerprint_addon(config)
    assert after != before
    (tmp_path / "messages").mkdir()
    _write_paragraphs(tmp_path / "messages" / "posts.csv", [])
    with_posts = SignalDetector.fingerprint_addon(config)
    assert with_posts != after
    # The same file moved to messages/ teaches only the whole-message model.
    (tmp_path / "more.csv").rename(tmp_path / "messages" / "more.csv")
    assert SignalDetector.fingerprint_addon(config) != with_posts


def test_message_corpora_teach_the_whole_message_model_only(tmp_path: Path) -> None:
    everyday = {"category": "none", "explicitness": "benign", "risk_sentence": ""}
    _write_paragraphs(tmp_path / "paragraphs.csv", [{"text": "Rain again. Tea.", **everyday}])
    (tmp_path / "messages").mkdir()
    post = "The match was brutal. We got slaughtered. Pizza after."
    risky = "Walked the dog. I have hidden pills in my sock drawer. Bed."
    _write_paragraphs(
        tmp_path / "messages" / "posts.csv",
        [
            {"text": post, **everyday},
            {
                "text": risky,
                "category": "suicide_or_self_harm",
                "explicitness": "indirect",
                "risk_sentence": "I have hidden pills in my sock drawer.",
            },
        ],
    )
    config = {**SignalDetector.get_default_config(), "sentence_corpus_dir": str(tmp_path)}
    examples = TrainingData([Message({"text": "I want to die", "intent": "crisis"})])
    labelled, messages = SignalDetector(config).training_sets(examples)
    assert ("Rain again.", "none") in labelled and ("Rain again. Tea.", False) in messages
    assert (post, False) in messages and (risky, True) in messages
    assert not [text for text, _ in labelled if "slaughtered" in text or "pills" in text]


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", normalise(text)))


def _near(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The words, and for six or more, the words with any one left out: two texts one word
    apart (added, dropped or changed) share one of these."""
    if len(words) < 6:
        return {words}
    return {words} | {words[:i] + words[i + 1 :] for i in range(len(words))}


def test_the_held_out_corpus_is_never_trained_on() -> None:
    # tests/data/crisis_corpus.csv measures detection on text the models have not seen. Writers
    # working apart still reach the same stock phrases ("I want to kill myself"), so a row copied
    # into the NLU examples or the model's training messages, by hand or by chance, is caught
    # here, whatever its case and punctuation, and so is one a word away from it.
    with (ROOT / "tests" / "data" / "crisis_corpus.csv").open(newline="", encoding="utf-8") as f:
        held_out = {_words(row["text"]) for row in csv.DictReader(f)}
    near_held_out = set().union(*map(_near, held_out))
    trained = {
        _words(example.get("text") or "")
        for example in load_data(str(ROOT / "data" / "nlu")).intent_examples
    }
    whole = set()
    for path in sorted((ROOT / "data" / "crisis_model").glob("**/*.csv")):
        trained |= {_words(text) for text, _ in paragraph_examples(path)}
        whole |= {_words(text) for text, _ in paragraph_messages(path)}
    assert len(held_out) > 700 and len(trained) > 10000
    copied = [words for words in trained if _near(words) & near_held_out]
    copied += [words for words in whole if words in near_held_out]
    assert not copied, f"{len(copied)} training texts match or nearly match held-out rows"
