"""The web chat page's socket.io channel, where a client can only ever reach its own conversation.

Rasa's own socket.io channel takes the conversation id from the client (`session_id`), and its
`jwt_key` option only checks that a connecting client holds some valid token. Here the token is
the only thing trusted: the page server signs a token naming one conversation
(`bot/channels/session.py`), the connection is refused without a genuine one, and every message
on the connection goes to the conversation the token names, whatever `session_id` the client
sends.

What the page needs beyond Rasa's channel:
- `history` after `session_request`: the conversation so far, so a reload or a server restart
  shows it again;
- one `bot_uttered` event per bot message, rendered by `bot/channels/render.py` (links for crisis
  lines, buttons marked as choices or a 0-10 rating);
- messages the bot sends later (a responder joined, nobody came, a responder's words) reach the
  page through Rasa's `output_channel=latest`, to every tab open on that conversation.

Configured in credentials.yml; `WEB_ORIGINS` lists the page origins allowed to connect.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.render import web_message
from bot.channels.session import verify, web_secret
from bot.settings import Settings

logger = logging.getLogger(__name__)

CHANNEL = "webchat"
USER_EVENT = "user_uttered"
BOT_EVENT = "bot_uttered"
# How much of a long conversation a reload shows.
HISTORY_MESSAGES = 200
# Metadata a page may send with a message: where the person is, for the right crisis lines.
ALLOWED_METADATA = ("country", "region")


def allowed_origins() -> list[str]:
    """Origins of the chat page: `WEB_ORIGINS` (comma-separated), else the local page server."""
    settings = Settings.load()
    if settings.web_origins:
        return list(settings.web_origins)
    port = settings.web_port
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


class WebChatOutput(OutputChannel):
    """Sends each bot message to every connection on the conversation, rendered for the page."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, sio: AsyncServer) -> None:
        self.sio = sio

    async def _emit(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self.sio.emit(BOT_EVENT, message, room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, web_message(text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._emit(recipient_id, web_message(text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._emit(recipient_id, web_message(text, quick_replies))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        # The assistant sends no images; say so rather than show a broken message.
        logger.warning("the web chat does not show images; one was not sent")

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._emit(recipient_id, {"custom": json_message, "text": "", "segments": []})


class WebChatInput(InputChannel):
    """socket.io input for the chat page; the signed token decides the conversation."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(socketio_path=credentials.get("socketio_path", "/socket.io"))

    def __init__(self, socketio_path: str = "/socket.io", secret: str | None = None) -> None:
        self.socketio_path = socketio_path
        self.secret = secret or web_secret()
        self.sio: AsyncServer | None = None
        self.app: Sanic | None = None

    def get_output_channel(self) -> OutputChannel | None:
        """Where later messages go (`output_channel=latest`): the conversation's open pages."""
        return WebChatOutput(self.sio) if self.sio is not None else None

    async def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation so far, as the page shows it: people's words and the bot's."""
        agent = getattr(getattr(self.app, "ctx", None), "agent", None)
        if agent is None or agent.tracker_store is None:
            return []
        tracker = await agent.tracker_store.retrieve(conversation_id)
        if tracker is None:
            return []
        shown: list[dict[str, Any]] = []
        for event in tracker.events:
            if isinstance(event, UserUttered) and event.input_channel == CHANNEL and event.text:
                shown.append({"role": "user", "text": event.text, "at": event.timestamp})
            elif isinstance(event, BotUttered) and (event.text or event.data.get("buttons")):
                message = web_message(event.text, event.data.get("buttons"))
                shown.append({"role": "bot", "at": event.timestamp, **message})
        return shown[-HISTORY_MESSAGES:]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=allowed_origins())
        webhook = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)
        self.sio = sio

        @webhook.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self.app = app

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, _environ: dict[str, Any], auth: Any) -> None:
            token = auth.get("token") if isinstance(auth, dict) else None
            conversation_id = verify(self.secret, token)
            if conversation_id is None:
                raise ConnectionRefusedError("This chat session is not valid; reload the page.")
            await sio.save_session(sid, {"conversation_id": conversation_id})
            await sio.enter_room(sid, conversation_id)

        async def conversation_of(sid: str) -> str | None:
            session = await sio.get_session(sid)
            return session.get("conversation_id") if session else None

        @sio.on("session_request")
        async def session_request(sid: str, _data: Any) -> None:
            # Any session id the client asks for is ignored: the token named the conversation.
            conversation_id = await conversation_of(sid)
            if conversation_id is None:
                return
            await sio.emit("session_confirm", conversation_id, room=sid)
            try:
                shown = await self.history(conversation_id)
            except Exception:  # a page without its history still works
                logger.exception("could not read the conversation's history")
                shown = []
            await sio.emit("history", {"messages": shown}, room=sid)

        @sio.on(USER_EVENT)
        async def handle_message(sid: str, data: Any) -> None:
            conversation_id = await conversation_of(sid)
            if conversation_id is None or not isinstance(data, dict):
                return
            text = data.get("message")
            if not isinstance(text, str):
                return
            raw = data.get("customData")
            metadata = {
                key: raw[key]
                for key in ALLOWED_METADATA
                if isinstance(raw, dict) and isinstance(raw.get(key), str)
            }
            message = UserMessage(
                text,
                WebChatOutput(sio),
                conversation_id,
                input_channel=CHANNEL,
                metadata=metadata or None,
            )
            await on_new_message(message)

        return webhook
