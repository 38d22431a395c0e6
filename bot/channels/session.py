"""Signed web-chat sessions: the page server issues them, the socket.io channel trusts only them.

A token is a JWT (HS256) whose subject is the conversation id. The page keeps it in its storage,
so a reload or a server restart finds the same conversation; without the secret nobody can make a
token for someone else's conversation, so a client only ever sees its own.

The secret is `WEB_SESSION_SECRET`, or, on the embedded defaults, a random one kept in
`var/web_session.secret` (created once, readable by its owner only), so both servers agree on it
and tokens outlive restarts.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import jwt

from bot.settings import VAR_DIR, Settings

AUDIENCE = "kindly-webchat"
ALGORITHM = "HS256"
# A conversation stays reachable from the same browser for this long without a visit.
LIFETIME_SECONDS = 30 * 24 * 3600
SECRET_FILE = VAR_DIR / "web_session.secret"
# HS256 wants a key at least as long as its hash.
MIN_SECRET_CHARS = 32


def web_secret(path: Path = SECRET_FILE) -> str:
    """The signing secret: from the environment, else the one kept on disk (made on first use)."""
    configured = Settings.load().web_session_secret
    if configured:
        if len(configured) < MIN_SECRET_CHARS:
            raise ValueError(f"WEB_SESSION_SECRET must be at least {MIN_SECRET_CHARS} characters")
        return configured
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # The other server made it first; wait for its write if it is still under way.
        for _ in range(50):
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty; delete it and start again") from None
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def new_conversation_id() -> str:
    """A conversation id nobody can guess."""
    return "web-" + secrets.token_hex(16)


def issue(secret: str, conversation_id: str | None = None, now: float | None = None) -> str:
    """A token for this conversation (a new one when none is given)."""
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": conversation_id or new_conversation_id(),
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + LIFETIME_SECONDS,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(secret: str, token: object) -> str | None:
    """The conversation id a genuine, unexpired token names; None for anything else."""
    if not isinstance(token, str) or not token or len(token) > 4096:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE)
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.startswith("web-"):
        return None
    return subject
