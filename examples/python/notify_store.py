"""Shared by the example apps: configuration from the environment, and an SQLite store that
processes each WeChat Pay notification exactly once.

WeChat Pay delivers a notification again when the reply is not 2xx or takes over 5 seconds
(up to 15 times over about a day), so a handler must be idempotent on the notification id.
Here the id has a UNIQUE constraint: the first delivery records it and applies its effect in
the same transaction; a repeat hits the constraint and is acknowledged without doing anything.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, List, Union

from wechatpay_notify import Notification, Verifier, events

log = logging.getLogger("wechatpay.notify")

SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    id          TEXT NOT NULL UNIQUE,
    event_type  TEXT NOT NULL,
    create_time TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    out_trade_no    TEXT NOT NULL UNIQUE,
    total           INTEGER NOT NULL,
    paid_by         TEXT
);
CREATE TABLE IF NOT EXISTS payments (
    notification_id TEXT NOT NULL,
    out_trade_no    TEXT NOT NULL,
    transaction_id  TEXT NOT NULL,
    trade_state     TEXT NOT NULL,
    total           INTEGER NOT NULL,
    matches_order   INTEGER NOT NULL
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

    def add_order(self, out_trade_no: str, total: int) -> None:
        """Registers an order the shop expects to be paid (``total`` in fen)."""
        with self._connect() as db:
            db.execute("INSERT INTO orders (out_trade_no, total) VALUES (?, ?)", (out_trade_no, total))

    @staticmethod
    def _apply(db: sqlite3.Connection, notification: Notification) -> None:
        """Applies one notification, dispatched on its kind (``docs/events.md``)."""
        kind = notification.kind
        if kind in ("transaction", "partner_transaction"):
            payment: Union[events.Transaction, events.PartnerTransaction] = (
                notification.transaction() if kind == "transaction" else notification.partner_transaction()
            )
            NotificationStore._pay(db, notification.id, payment)
        elif kind in ("refund", "partner_refund"):
            refund: Union[events.Refund, events.PartnerRefund] = (
                notification.refund() if kind == "refund" else notification.partner_refund()
            )
            db.execute(
                "INSERT INTO refunds VALUES (?, ?, ?, ?)",
                (notification.id, refund.out_refund_no, refund.refund_status, refund.amount.refund),
            )
        else:
            # A kind this shop does not use, or one the catalog does not describe: acknowledged
            # (so WeChat Pay stops retrying) and logged for a person to look at.
            log.warning("notification %s (%s, kind %s) acknowledged, not processed",
                        notification.id, notification.event_type, kind)

    @staticmethod
    def _pay(
        db: sqlite3.Connection,
        notification_id: str,
        payment: Union[events.Transaction, events.PartnerTransaction],
    ) -> None:
        """Marks the order paid when the payment is for an order of this shop and for its
        amount; records the payment either way."""
        row = db.execute(
            "SELECT total FROM orders WHERE out_trade_no = ?", (payment.out_trade_no,)
        ).fetchone()
        matches = row is not None and row[0] == payment.amount.total
        if matches:
            db.execute(
                "UPDATE orders SET paid_by = ? WHERE out_trade_no = ?",
                (payment.transaction_id, payment.out_trade_no),
            )
        else:
            log.warning("payment %s does not match an order of this shop (out_trade_no %s)",
                        payment.transaction_id, payment.out_trade_no)
        db.execute(
            "INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?)",
            (
                notification_id,
                payment.out_trade_no,
                payment.transaction_id,
                payment.trade_state,
                payment.amount.total,
                int(matches),
            ),
        )

    def orders(self) -> List[Dict[str, Any]]:
        """Every order, oldest first."""
        db = self._connect()
        try:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM orders ORDER BY rowid")]
        finally:
            db.close()

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
