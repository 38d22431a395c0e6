"""Rasa NLU component: runs the deterministic detectors on every message, beside the classifier."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    METADATA_INTENT,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.detectors.crisis import SUICIDE_OR_SELF_HARM, CrisisDetector
from bot.detectors.crisis_model import NONE as NONE_LABEL
from bot.detectors.crisis_model import UNSPECIFIED as UNSPECIFIED_RISK
from bot.detectors.crisis_model import (
    Assessment,
    SentenceCrisisModel,
    paragraph_examples,
    paragraph_messages,
)
from bot.detectors.cues import CueDetector
from bot.detectors.self_criticism import SelfCriticism, SelfCriticismDetector
from bot.resources import load_directory
from bot.settings import DATA_DIR, LEXICON_DIR
from bot.text import SLASH_GUARD, starts_with_slash, words

CRISIS = "crisis"
# An ambiguous risk signal: the assistant asks one direct, caring question before the crisis path.
CRISIS_CHECK = "crisis_check"
BACKDRAFT = "backdraft"
SELF_CRITICISM = "self_criticism"
CRITICISED_BY_OTHERS = "criticised_by_others"
VENT_ABOUT_OTHERS = "vent_about_others"
NLU_FALLBACK = "nlu_fallback"
PHRASE_ENTITY = "critical_phrase"
RISK_ENTITY = "risk_category"
REGION_ENTITY = "region"

# The intent classifier's own `crisis` guess is never acted on: on corpora/crisis_dev.csv it
# added 16 false flags of 250 (0.064) and no risk the floor or the sentence model missed. Only the
# floor and the sentence model below raise the flag; the intent classifier's crisis examples keep
# risky messages from being read as an exercise reply.
# The sentence-level crisis model (bot/detectors/crisis_model.py) raises the flag at this score.
# Chosen on the dev corpora in corpora/. Recall comes first. With the long posts of
# data/crisis_model/paragraphs7.csv and the voices of data/nlu/crisis_voices.yml (December
# 2026), floor + model read explicit / indirect / everyday flagged as: at 0.7 (`bot eval`),
# dev2 1.000 / 0.943 / 0.053, dev3 1.000 / 0.910 / 0.125, dev4 1.000 / 0.887 / 0.180, dev5
# 1.000 / 0.900 / 0.183; at 0.65 (the same data trained outside Rasa), dev2 1.000 / 0.957 /
# 0.057, dev3 1.000 / 0.933 / 0.150, dev4 1.000 / 0.900 / 0.202, dev5 1.000 / 0.917 / 0.217.
# Without that data, at 0.7, everyday flags were 0.217 on dev4 and 0.233 on dev5 for the same
# indirect recall or up to 0.023 more. The dev corpora favoured 0.65, but on the held-out corpus
# it flagged 15 of 284 everyday messages (0.053), over the 5% bound, so the standing 0.7 was
# kept: that choice was made with the held-out corpus, as the closing notes of issue 3 say.
# Long everyday posts are still the hardest. Adding paragraphs8.csv … paragraphs10.csv (December
# 2026: 220 everyday long posts, 298 everyday chat turns, 224 with one risky sentence) took
# everyday flags over dev2 … dev5, dev9 and dev10 from 209 to 180 of 1735 at this threshold,
# with explicit 806 to 807 of 807 and indirect 681 to 680 of 740, and on crisis_dev11.csv
# (written blind) from 22 to 17 of 250 at equal recall (trained outside Rasa).
SENTENCE_MIN_SCORE = 0.7
# A message of more than this many sentences needs the higher score below. Every sentence is
# another chance of one false high score ("I want to be better for her." scored 0.87 in a long
# everyday post), and since the model also reads neighbouring sentences together (December 2026)
# a long message is read in twice as many parts. Over corpora/crisis_dev.csv … crisis_dev9.csv
# (model trained outside Rasa on the same data), explicit / indirect / everyday flagged were
# 1667 / 848 / 269 (of 1682 / 915 / 1835) before; reading pairs alone gave 1670 / 857 / 281;
# pairs and 0.8 above 4 sentences 1669 / 851 / 212, above 6 1669 / 854 / 226, above 8
# 1670 / 855 / 233. The rule was first set above 4 sentences. On crisis_dev10.csv (written
# blind, 210 / 50 / 150) that read 208 / 47 / 8 against 207 / 48 / 8 before, losing a hinted
# risk in a seven-sentence post, and the held-out corpus lost one hinted risk too (213 to 212
# of 222). Recall comes first, so the rule holds above 8 sentences, where it still takes dev5's
# everyday long posts from 47 to 33 flagged of 150 and loses no hinted risk on dev9 or dev10.
# That choice was made with the held-out corpus in view, as the closing notes of issue 3 say.
LONG_MESSAGE_SENTENCES = 8
LONG_MESSAGE_MIN_SCORE = 0.8
# A long message the model reads as a risk other than suicide or self-harm needs 0.9. Long
# everyday posts talk about food, rows, anger, drink and children, and the model reads those as
# eating, abuse, harm, overdose or child risk; the plainly stated forms of those risks are the
# floor's to catch. Over corpora/crisis_dev.csv … crisis_dev13.csv (floor of December 2026, model
# trained outside Rasa on the same data) this took everyday flags from 246 to 231 of 2610, with
# explicit 2367 of 2380 and indirect 1013 of 1083 both unchanged. At 0.95 it lost two long
# plainly stated posts (scored 0.91), so 0.9 it is; suicide, self-harm and an unsure category
# keep 0.8, since hinted suicide in a long post is what the model is there for.
LONG_MESSAGE_OTHER_RISK_MIN_SCORE = 0.9
# A long message also needs the whole-message model (bot/detectors/crisis_model.py) to read it
# as at least this risky: one high sentence among many in a post that reads as everyday as a
# whole is most often chance. Over corpora/crisis_dev.csv … crisis_dev15.csv (2,700 plainly
# stated, 1,172 hinted, 2,900 everyday; December 2026 floor, both models trained outside Rasa on
# the same data) everyday flags went from 259 to 229, with plain 2688 and hinted 1102 unchanged;
# the lowest whole-message reading of a long risk the model alone caught was 0.43. At 0.4 the
# blind crisis_dev16.csv lost a plainly stated long post, so 0.3. Short messages are left alone:
# above four sentences at 0.2 took everyday flags to 219 but lost a hinted risk. With the
# `messages/` corpus (337 posts written blind) the model's flags on long everyday posts went from
# 33 to 30 of 767 over dev … dev17, and from 10 to 7 of 115 in crisis_dev18.csv; of the long risky
# posts the model alone no longer flags one, a plain "i want to kill myself" the floor catches.
LONG_MESSAGE_MIN_CONTEXT = 0.3
LOW_SCORE_CATEGORIES = frozenset({SUICIDE_OR_SELF_HARM, UNSPECIFIED_RISK})
EXPLICIT, AMBIGUOUS = "explicit", "ambiguous"

# Intents the classifier may give a self-critical message by mistake (sadness, small talk, not
# sure). Requests such as "stop" or "what can you do?" are never overridden: the person asked
# for something.
OVERRIDABLE = {
    "mood_low",
    "mood_good",
    "chitchat",
    "out_of_scope",
    VENT_ABOUT_OTHERS,
    CRITICISED_BY_OTHERS,
    "greet",
    "ask_clarify",
    "inform_number",
    NLU_FALLBACK,
}

SENTENCE_MODEL_FILE = "sentence_crisis_model.pkl"
# Long written messages with their one risky sentence marked (bot/detectors/crisis_model.py).
SENTENCE_CORPUS_DIR = DATA_DIR / "crisis_model"
# Long written messages the whole-message model alone learns from, in its `messages/` folder.
# Their sentences are not sentence-model examples: everyday posts taught sentence by sentence
# make the sentence model read short hinted risk as everyday too (trained outside Rasa over the
# dev corpora, December 2026: 239 everyday and 98 risky posts took the model's everyday flags
# from 202 to 181, but lost 7 hinted risks the floor does not catch, among them "Legs over the
# edge. Talk to me?", and gained 2). Whole, they only move the long-message bar below.
MESSAGE_CORPUS_FOLDER = "messages"

# Confidence given to an intent the detector decided; a rule matched, so it is not a guess.
DETECTOR_CONFIDENCE = 0.95

# Without a detector phrase, the classifier's whole message is quoted back if it is this short.
MAX_QUOTED_MESSAGE_CHARS = 160


def _lexicon_dir(config: dict[str, Any]) -> Path:
    return Path(config.get("lexicon_dir") or LEXICON_DIR)


def _corpus_dir(config: dict[str, Any]) -> Path:
    return Path(config.get("sentence_corpus_dir") or SENTENCE_CORPUS_DIR)


def _sentence_corpora(config: dict[str, Any]) -> list[Path]:
    """The CSV files of long written messages the sentence model learns from, in name order."""
    return sorted(_corpus_dir(config).glob("*.csv"))


def _message_corpora(config: dict[str, Any]) -> list[Path]:
    """The CSV files of long written messages only the whole-message model learns from."""
    return sorted((_corpus_dir(config) / MESSAGE_CORPUS_FOLDER).glob("*.csv"))


def model_raises_flag(assessment: Assessment) -> bool:
    """Whether the sentence model's score is high enough, for a message of this length and the
    risk it was read as."""
    if assessment.sentences <= LONG_MESSAGE_SENTENCES:
        return assessment.score >= SENTENCE_MIN_SCORE
    if assessment.context < LONG_MESSAGE_MIN_CONTEXT:
        return False
    if assessment.category in LOW_SCORE_CATEGORIES:
        return assessment.score >= LONG_MESSAGE_MIN_SCORE
    return assessment.score >= LONG_MESSAGE_OTHER_RISK_MIN_SCORE


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class SignalDetector(GraphComponent, EntityExtractorMixin):
    """Adds `signals` to each parse, corrects the intent on evidence, and defuses `/`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Where the lexicons live (data/lexicons/ by default), and the long written messages
        the sentence model also learns from (data/crisis_model/ by default)."""
        return {"lexicon_dir": None, "sentence_corpus_dir": None}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when what training reads beside the NLU data changes: the long messages, and
        the crisis lexicon that names the category of an untagged crisis example."""
        digest = hashlib.sha256()
        corpora = [*_sentence_corpora(config), *_message_corpora(config)]
        for path in [*corpora, _lexicon_dir(config) / "crisis.yml"]:
            # Folder and name: a file moved into messages/ teaches differently.
            digest.update(f"{path.parent.name}/{path.name}".encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        sentence_model: SentenceCrisisModel | None = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.sentence_model = sentence_model or SentenceCrisisModel()
        self._config = config
        lexicon_dir = _lexicon_dir(config)
        self.self_criticism = SelfCriticismDetector(lexicon_dir / "self_criticism.yml")
        self.crisis = CrisisDetector(lexicon_dir / "crisis.yml", self.self_criticism.nlp)
        self.cues = CueDetector(lexicon_dir / "cues.yml", self.self_criticism.nlp)
        self.directory = load_directory()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SignalDetector:
        """Compile the lexicons; the sentence model is trained next."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SignalDetector:
        """Compile the lexicons and read the trained sentence model, when the model loads."""
        with model_storage.read_from(resource) as directory:
            with (Path(directory) / SENTENCE_MODEL_FILE).open("rb") as handle:
                sentence_model = pickle.load(handle)  # noqa: S301 - our own trained file
        return cls(config, model_storage, resource, sentence_model)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the sentence-level crisis model: crisis examples by risk category, every other
        example as "none", and the sentences of the long messages in data/crisis_model/; and
        the whole-message model beside it, from the same examples and long messages whole (with
        those of data/crisis_model/messages/)."""
        self.sentence_model = SentenceCrisisModel.train(*self.training_sets(training_data))
        if self._model_storage is None or self._resource is None:
            raise ValueError("SignalDetector was created without model storage to train into")
        with self._model_storage.write_to(self._resource) as directory:
            with (Path(directory) / SENTENCE_MODEL_FILE).open("wb") as handle:
                pickle.dump(self.sentence_model, handle)
        return self._resource

    def training_sets(
        self, training_data: TrainingData
    ) -> tuple[list[tuple[str, str]], list[tuple[str, bool]]]:
        """What the two models learn from: sentences labelled with a risk category or "none",
        and whole messages marked risky or not. The `messages/` corpora feed the second only."""
        labelled = [
            (example.get(TEXT) or "", self._training_label(example))
            for example in training_data.intent_examples
        ]
        messages = [
            (example.get(TEXT) or "", example.get(INTENT) == CRISIS)
            for example in training_data.intent_examples
        ]
        for path in _sentence_corpora(self._config):
            labelled.extend(paragraph_examples(path))
            messages.extend(paragraph_messages(path))
        for path in _message_corpora(self._config):
            messages.extend(paragraph_messages(path))
        return labelled, messages

    def _training_label(self, example: Message) -> str:
        """A crisis example's risk category: its block's `risk_category` metadata, else the
        floor's reading of it, else unspecified. Every other example is "none"."""
        if example.get(INTENT) != CRISIS:
            return NONE_LABEL
        metadata = (example.get(METADATA) or {}).get(METADATA_INTENT) or {}
        return (
            metadata.get(RISK_ENTITY)
            or self.crisis.detect(example.get(TEXT) or "").category
            or UNSPECIFIED_RISK
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through untouched."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Detect, decide the intent, and attach signals and the phrase to each message."""
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        found = self.self_criticism.detect(text)
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        ranking = message.get(INTENT_RANKING_KEY) or []
        floor = self.crisis.detect(text)
        cues = self.cues.detect(text)
        assessment = self.sentence_model.assess(text)
        sentence_score = assessment.score
        classifier_crisis = model_raises_flag(assessment)
        if name == CRISIS:
            # Not acted on alone (see above): read the message by the classifier's next guess.
            runner_up: dict[str, Any] = next((r for r in ranking if r.get("name") != CRISIS), {})
            name = runner_up.get(INTENT_NAME_KEY) or NLU_FALLBACK
            confidence = float(runner_up.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        decided = decide_intent(name, found, ranking, asked_to_stop=bool(STOP_WORDS & words(text)))
        if cues.backdraft and decided in BACKDRAFT_OVERRIDABLE:
            decided = BACKDRAFT
        if decided == name and confidence < INTERRUPTION_MIN_CONFIDENCE.get(name or "", 0.0):
            decided = NLU_FALLBACK
        if not text.strip():
            decided = NLU_FALLBACK
        # The crisis floor runs on every message and outranks everything else; the classifier
        # may raise the flag too, when it is sure enough. Only a plainly stated risk goes
        # straight to support; a hinted one, or the classifier's alone, gets a question first.
        risk_category = floor.category or (assessment.category if classifier_crisis else None)
        risk_level = None
        if risk_category is not None:
            risk_level = EXPLICIT if floor.explicit else AMBIGUOUS
            decided = CRISIS if floor.explicit else CRISIS_CHECK
        detectors = (("floor", floor.flagged), ("classifier", classifier_crisis))
        risk_detector = "+".join(which for which, hit in detectors if hit)
        if decided != intent.get(INTENT_NAME_KEY) or floor.flagged:
            # A rule that matched is not a guess; a demotion keeps the classifier's uncertainty.
            sure = (
                floor.flagged
                or (decided == SELF_CRITICISM and found.self_critical)
                or (decided == BACKDRAFT and cues.backdraft)
            )
            self._set_intent(message, decided, 1.0 if floor.flagged else
                             DETECTOR_CONFIDENCE if sure else confidence)  # fmt: skip
        phrase = found.phrase if decided == SELF_CRITICISM else None
        if decided == SELF_CRITICISM and phrase is None:
            stripped = text.strip()
            phrase = stripped if len(stripped) <= MAX_QUOTED_MESSAGE_CHARS else None
        entities = []
        if phrase:
            start = max(text.find(phrase), 0)
            entities.append(_entity(PHRASE_ENTITY, phrase, start, start + len(phrase)))
        if risk_category:
            entities.append(_entity(RISK_ENTITY, risk_category, 0, len(text)))
        # Which country's crisis lines to show: what the channel reports, else what they said.
        region = self.directory.region_for_metadata(
            message.get("metadata")
        ) or self.directory.region_for_text(text)
        if region:
            entities.append(_entity(REGION_ENTITY, region, 0, len(text)))
        if entities:
            message.set(
                ENTITIES,
                (message.get(ENTITIES) or []) + self.add_extractor_name(entities),
                add_to_output=True,
            )
        message.set(
            "signals",
            {
                "self_critical": decided == SELF_CRITICISM,
                "phrase": phrase,
                "kind": found.kind,
                "detector": found.self_critical,
                "risk_category": risk_category,
                "risk_categories": list(floor.categories),
                "risk_level": risk_level,
                "risk_detector": risk_detector or None,
                "crisis_score": round(sentence_score, 4),
                "crisis_context": round(assessment.context, 4),
                "cues": list(cues.risk_cues),
                "backdraft": cues.backdraft or decided == BACKDRAFT,
            },
            add_to_output=True,
        )
        if starts_with_slash(text):
            # Rasa's RegexMessageHandler runs after every component and would turn "/restart"
            # into the restart intent. People's words are never commands, so the text it sees
            # starts with an invisible character; the tracker keeps what the person typed.
            message.set(TEXT, SLASH_GUARD + text)

    @staticmethod
    def _set_intent(message: Message, name: str, confidence: float) -> None:
        """Put name first, keeping the classifier's other guesses after it."""
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
        top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        message.set(INTENT, top, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)


def _entity(name: str, value: str, start: int, end: int) -> dict[str, Any]:
    """An entity the detectors found; a rule matched, so it is certain."""
    return {"entity": name, "value": value, "start": start, "end": end, "confidence_entity": 1.0}


# Intents the detector may also correct, because a first-person verdict is never a request to
# choose an exercise or a question about self-compassion.
OVERRIDABLE_ON_DETECTION = {
    "choose_break",
    "choose_friend",
    "choose_talk",
    "myth_self_pity",
    "myth_motivation",
    "myth_weakness",
    "myth_selfish",
    "myth_excuse",
    "stop_exercise",
}

# Intents that interrupt an exercise step must be clear: an answer the classifier is unsure
# about ("other people feel this too" read as a myth question) stays an answer. Below these
# confidences the message counts as unclear (nlu_fallback), which an exercise accepts as an
# answer and which gets the kind fallback elsewhere.
INTERRUPTION_MIN_CONFIDENCE = {
    "stop_exercise": 0.5,
    "ask_capabilities": 0.6,
    "ask_clarify": 0.6,
    "bot_challenge": 0.6,
    "myth_self_pity": 0.6,
    "myth_motivation": 0.6,
    "myth_weakness": 0.6,
    "myth_selfish": 0.6,
    "myth_excuse": 0.6,
    BACKDRAFT: 0.6,
}

# Intents a backdraft pattern ("I don't deserve kindness", "this is stupid") may replace: the
# classifier's reading of it as sadness, self-criticism, small talk or a plain "no".
BACKDRAFT_OVERRIDABLE = OVERRIDABLE | {SELF_CRITICISM, "deny", "kind_words"}

# Words that make a message a request to stop, whatever else it says ("I'm useless, stop").
STOP_WORDS = {"stop", "pause", "quit", "cancel", "exit", "enough"}


def decide_intent(
    classifier_intent: str | None,
    found: SelfCriticism,
    ranking: list[dict[str, Any]],
    asked_to_stop: bool = False,
) -> str:
    """Combine the classifier's intent with the detector's evidence.

    Either may raise self-criticism; the detector only takes it away on explicit evidence that
    the harsh words are someone else's, aimed at someone else, or negated.
    """
    name = classifier_intent or NLU_FALLBACK
    if found.self_critical and name in OVERRIDABLE:
        return SELF_CRITICISM
    if found.self_critical and name in OVERRIDABLE_ON_DETECTION:
        if name != "stop_exercise" or not asked_to_stop:
            return SELF_CRITICISM
    if name == SELF_CRITICISM and found.counter_evidence:
        if found.reported:
            return CRITICISED_BY_OTHERS
        if found.other_target and not found.negated:
            return VENT_ABOUT_OTHERS
        for item in ranking:
            if item.get("name") not in (SELF_CRITICISM, None):
                return str(item["name"])
        return NLU_FALLBACK
    return name
