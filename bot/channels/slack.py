"""Slack: Rasa's Slack channel, configured from the environment and hardened for retries.

Enabled when `SLACK_BOT_TOKEN` is set; `SLACK_SIGNING_SECRET` is then required, and
`SLACK_API_URL` points the Web API client elsewhere (tests use a local fake). Without a token the
webhook answers 404 and says why.

What Rasa's `SlackInput` already does and we keep: the signature check (HMAC of the body with the
signing secret, refused when the timestamp is more than five minutes off), answering at once and
handling the message in the background (Slack wants an answer within 3 seconds), and button
clicks (interactive payloads) read as what the person would have typed.

What we add:
- direct messages only (Rasa also answers mentions in channels): distress is never answered in a
  shared channel;
- a retry is never a second turn: every event's `event_id` (and every button set's message) is
  recorded in our database (`channel_events`) and a repeat is acknowledged and dropped, whatever
  `X-Slack-Retry-Reason` says, also across a restart;
- a clicked button set is replaced by what was chosen, so an old button can't be pressed twice;
- messages are rendered by `bot/channels/render.py`: block-kit sections and buttons (up to 25,
  so the 0-10 rating fits), Slack's control characters escaped, crisis numbers plain;
- what Slack escapes in people's text (`&amp;`, `&lt;`, `&gt;`) is unescaped before the NLU.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.render import slack_message
from bot.settings import SLACK_API_URL, Settings
from bot.storage import first_delivery, open_session

logger = logging.getLogger(__name__)

# Never matches a real retry reason: retries are judged by their event id, not their reason.
_NO_REASON = ["(judged by event id)"]


def api_url() -> str:
    """The Web API base URL, with the trailing slash the client needs."""
    url = Settings.load().slack_api_url
    return url if url.endswith("/") else url + "/"


class SlackOutput(SlackBot):
    """Posts rendered messages through the Web API at `SLACK_API_URL`."""

    def __init__(
        self,
        token: str,
        base_url: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
    ) -> None:
        OutputChannel.__init__(self)
        self.slack_channel = slack_channel
        self.thread_id = thread_id
        self.proxy = proxy
        self.client = AsyncWebClient(token, base_url=base_url, proxy=proxy)

    async def _post(self, recipient_id: str, text: str | None, buttons: list[Any] | None) -> None:
        await self._post_message(
            channel=self.slack_channel or recipient_id, **slack_message(text, buttons)
        )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post(recipient_id, text, None)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._post(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._post(recipient_id, text, quick_replies)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        channel = json_message.pop("channel", None) or self.slack_channel or recipient_id
        await self._post_message(channel=channel, **json_message)


class SlackChannel(SlackInput):
    """Rasa's Slack input, from the environment, with retries dropped by event id."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = Settings.load()
        return cls(
            token=settings.slack_bot_token,
            signing_secret=settings.slack_signing_secret,
            base_url=api_url(),
        )

    def __init__(
        self, token: str | None, signing_secret: str | None, base_url: str = SLACK_API_URL
    ) -> None:
        self.enabled = bool(token)
        self.base_url = base_url
        self._seen: set[str] = set()
        super().__init__(
            slack_token=token or "",
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            errors_ignore_retry=_NO_REASON,
            slack_signing_secret=signing_secret or "",
            conversation_granularity="sender",
        )

    def _validate_credentials(self) -> None:
        if self.enabled and not self.slack_signing_secret:
            raise InvalidConfigException(
                "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: the Slack channel "
                "refuses to run without checking that requests come from Slack."
            )

    def _is_supported_channel(self, slack_event: dict[str, Any], metadata: dict[str, Any]) -> bool:
        # Direct messages only: never answer someone's distress in a shared channel.
        return self._is_direct_message(slack_event)

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel:
        return SlackOutput(
            self.slack_token, self.base_url, channel or self.slack_channel, thread_id, self.proxy
        )

    @staticmethod
    def _sanitize_user_message(text: str, uids_to_remove: list[str] | None) -> str:
        cleaned = SlackInput._sanitize_user_message(text, uids_to_remove)
        return cleaned.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    def _first_delivery(self, key: str) -> bool:
        """True the first time this delivery is seen, here or (after a restart) in the database."""
        if key in self._seen:
            return False
        try:
            with open_session() as session:
                first = first_delivery(session, key)
                session.commit()
        except (SQLAlchemyError, OSError):
            # Without the database, this process's memory still stops the usual quick retries.
            logger.exception("could not record a Slack delivery")
            first = True
        self._seen.add(key)
        if len(self._seen) > 10_000:
            self._seen.clear()
        return first

    @staticmethod
    def _interactive(request: Request) -> dict[str, Any] | None:
        if request.headers.get("content-type") != "application/x-www-form-urlencoded":
            return None
        try:
            payload = json.loads(request.form["payload"][0])
        except (KeyError, IndexError, ValueError):
            return None
        return payload if isinstance(payload, dict) else None

    @staticmethod
    def _delivery_key(request: Request, payload: dict[str, Any] | None) -> str | None:
        """What makes a delivery the same one: the event id, or the button set that was used."""
        if payload is not None:
            container = payload.get("container") or {}
            message_ts = container.get("message_ts") or (payload.get("message") or {}).get("ts")
            channel = container.get("channel_id") or (payload.get("channel") or {}).get("id")
            block = ((payload.get("actions") or [{}])[0] or {}).get("block_id")
            return f"slack:choice:{channel}:{message_ts}:{block}" if message_ts else None
        body = request.json if request.headers.get("content-type") == "application/json" else None
        event_id = body.get("event_id") if isinstance(body, dict) else None
        return f"slack:event:{event_id}" if event_id else None

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str | None,
        metadata: dict[str, Any] | None,
    ) -> Any:
        payload = self._interactive(request)
        key = self._delivery_key(request, payload)
        if key is not None and not self._first_delivery(key):
            retry = request.headers.get(self.retry_num_header)
            logger.info("dropped a repeated Slack delivery (retry %s)", retry or "none")
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        if payload is not None:
            self._spawn(self._show_choice(payload))
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    async def _show_choice(self, payload: dict[str, Any]) -> None:
        """Replace the clicked buttons with what was chosen, so they can't be pressed again."""
        message = payload.get("message") or {}
        channel = (payload.get("container") or {}).get("channel_id") or (
            payload.get("channel") or {}
        ).get("id")
        action = (payload.get("actions") or [{}])[0] or {}
        chosen = ((action.get("text") or {}).get("text")) or action.get("value") or ""
        if not channel or not message.get("ts"):
            return
        blocks = [b for b in message.get("blocks") or [] if b.get("type") != "actions"]
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "plain_text", "text": f"You chose: {chosen}"}],
            }
        )
        client = AsyncWebClient(self.slack_token, base_url=self.base_url, proxy=self.proxy)
        try:
            await client.chat_update(
                channel=channel, ts=message["ts"], blocks=blocks, text=message.get("text") or " "
            )
        except Exception:  # the choice is taken in whether or not the buttons could be updated
            logger.warning("could not update a Slack message after a button was clicked")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if self.enabled:
            return super().blueprint(on_new_message)
        disabled = Blueprint("slack_webhook", __name__)

        @disabled.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "disabled: SLACK_BOT_TOKEN is not set"})

        @disabled.route("/webhook", methods=["GET", "POST"])
        async def webhook(_: Request) -> HTTPResponse:
            return response.text(
                "Slack is not configured on this server (SLACK_BOT_TOKEN is not set).",
                status=HTTPStatus.NOT_FOUND,
            )

        return disabled
