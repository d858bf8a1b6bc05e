"""The pytest plugin of wechatpay-notify: the ``wechatpay_kit`` fixture.

Registered as the ``pytest11`` entry point ``wechatpay_notify``, so pytest loads it wherever
this package is installed; nothing else imports it (the package does not depend on pytest).
Disable it with ``pytest -p no:wechatpay_notify``.
"""

import pytest

from .testing import Kit

__all__ = ["wechatpay_kit"]


@pytest.fixture(scope="session")
def wechatpay_kit() -> Kit:
    """A :class:`wechatpay_notify.testing.Kit` for the whole test session: throwaway TEST keys
    and callbacks signed as WeChat Pay signs them. Configure the handler under test with
    ``wechatpay_kit.verifier()`` (or ``wechatpay_kit.key_id``, ``.public_key_pem`` and
    ``.apiv3_key``), then post ``headers, body = wechatpay_kit.notification(...)``."""
    return Kit()
