"""`bot audit`: counts and lists of safety audit records; there is no message text to print."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from bot import storage

# Each command imports bot.audit itself: it loads Rasa's broker module (about 0.3 s), which
# every other `bot` command would pay for too.


def _cmd_summary(args: argparse.Namespace) -> int:
    from bot import audit

    since = storage.utcnow() - dt.timedelta(days=args.since) if args.since is not None else None
    with storage.open_session() as session:
        rows = audit.summary(session, since=since)
    window = f"in the last {args.since:g} day(s)" if since is not None else "in total"
    if not rows:
        print(f"no audit records {window}")
        return 0
    print(f"{'kind':<18}{'category (cues)':<34}{'detector':<18}{'count':>6}")
    for kind, category, detector, count in rows:
        print(f"{kind:<18}{category or '-':<34}{detector or '-':<18}{count:>6}")
    print(f"\n{sum(r[3] for r in rows)} record(s) {window}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from bot import audit

    with storage.open_session() as session:
        rows = audit.records(session, conversation_id=args.conversation, limit=args.limit)
        if not rows:
            print("no audit records")
            return 0
        print(
            f"{'at (UTC)':<20}{'conversation':<38}{'kind':<18}{'category':<27}{'level':<10}"
            f"{'detector':<18}{'intent':<16}{'region':<8}shown"
        )
        for r in rows:
            category = r.category or (f"cues: {r.cues}" if r.cues else "-")
            print(
                f"{r.at:%Y-%m-%d %H:%M:%S} {r.conversation_id:<37} {r.kind:<17} "
                f"{category:<26} {r.risk_level or '-':<9} {r.detector or '-':<17} "
                f"{r.intent or '-':<15} {r.region or '-':<7} {r.shown or '-'}"
            )
    return 0


def add_parser(sub: Any) -> None:
    """Register `bot audit summary` and `bot audit list` on the `bot` command's subparsers."""
    parser = sub.add_parser(
        "audit",
        help="safety audit: what was detected and what the bot showed (never message text)",
        description="Reads the audit records in BOT_DATABASE_URL, written by bot.audit's broker.",
    )
    commands = parser.add_subparsers(dest="audit_command", required=True)
    summary = commands.add_parser("summary", help="counts by kind, category and detector")
    summary.add_argument("--since", type=float, metavar="DAYS", help="only the last DAYS days")
    summary.set_defaults(func=_cmd_summary)
    listing = commands.add_parser("list", help="the newest records, newest first")
    listing.add_argument("--conversation", metavar="ID", help="one conversation only")
    listing.add_argument(
        "--limit", type=int, default=50, metavar="N", help="at most N records (default 50)"
    )
    listing.set_defaults(func=_cmd_list)
