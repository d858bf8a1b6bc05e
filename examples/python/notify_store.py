"""Shared by the example apps: configuration from the environment, and an SQLite store that
processes each WeChat Pay notification exactly once.

WeChat Pay delivers a notification again when the reply is not 2xx or takes over 5 seconds
(up to 15 times over about a day), so a handler must be idempotent on the notification id.
Here the id has a UNIQUE constraint: the first delivery records it and applies its effect in
the same transaction; a repeat hits the constraint and is acknowledged without doing anything.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, List

from wechatpay_notify import Notification, Verifier

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    id          TEXT NOT NULL UNIQUE,
    event_type  TEXT NOT NULL,
    create_time TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
    notification_id TEXT NOT NULL,
    out_trade_no    TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    trade_state     TEXT NOT NULL,
    total           INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
    notification_id TEXT NOT NULL,
    out_refund_no   TEXT NOT NULL,
    refund_status   TEXT NOT NULL,
    refund          INTEGER NOT NULL
);
"""


def verifier_from_env() -> Verifier:
    """The verifier configured by ``WECHATPAY_APIV3_KEY``, ``WECHATPAY_PUBLIC_KEY_ID`` and
    ``WECHATPAY_PUBLIC_KEY_FILE`` (the 微信支付公钥 PEM downloaded from the merchant platform)."""
    return Verifier(
        os.environ["WECHATPAY_APIV3_KEY"],
        public_keys={
            os.environ["WECHATPAY_PUBLIC_KEY_ID"]: Path(
                os.environ["WECHATPAY_PUBLIC_KEY_FILE"]
            ).read_text()
        },
    )


class NotificationStore:
    """Records notification ids (UNIQUE) and applies each notification's effect once."""

    def __init__(self, path: str) -> None:
        self.path = path
        with self._connect() as db:
            db.executescript(SCHEMA)

    @classmethod
    def from_env(cls) -> "NotificationStore":
        return cls(os.environ.get("NOTIFY_DB", "wechatpay_notifications.sqlite3"))

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, notification: Notification) -> bool:
        """Processes ``notification`` unless its id was processed before.

        Returns False for a repeat. Raises ``sqlite3.Error`` when the database fails, so the
        caller answers 500 and WeChat Pay delivers the notification again later.
        """
        db = self._connect()
        try:
            with db:  # one transaction: the id and its effect are recorded together
                try:
                    db.execute(
                        "INSERT INTO notifications (id, event_type, create_time, received_at)"
                        " VALUES (?, ?, ?, ?)",
                        (
                            notification.id,
                            notification.event_type,
                            notification.create_time,
                            int(time.time()),
                        ),
                    )
                except sqlite3.IntegrityError:
                    return False
                self._apply(db, notification)
            return True
        finally:
            db.close()

    @staticmethod
    def _apply(db: sqlite3.Connection, notification: Notification) -> None:
        resource: Dict[str, Any] = notification.resource
        if notification.original_type == "transaction":
            db.execute(
                "INSERT INTO payments VALUES (?, ?, ?, ?, ?)",
                (
                    notification.id,
                    resource["out_trade_no"],
                    resource["transaction_id"],
                    resource["trade_state"],
                    resource["amount"]["total"],
                ),
            )
        elif notification.original_type == "refund":
            db.execute(
                "INSERT INTO refunds VALUES (?, ?, ?, ?)",
                (
                    notification.id,
                    resource["out_refund_no"],
                    resource["refund_status"],
                    resource["amount"]["refund"],
                ),
            )

    def notification_ids(self) -> List[str]:
        """Every recorded notification id, oldest first."""
        db = self._connect()
        try:
            return [row[0] for row in db.execute("SELECT id FROM notifications ORDER BY rowid")]
        finally:
            db.close()

    def payments(self) -> List[Dict[str, Any]]:
        """Every recorded payment, oldest first."""
        db = self._connect()
        try:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM payments ORDER BY rowid")]
        finally:
            db.close()
