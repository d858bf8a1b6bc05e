from pathlib import Path

import pytest
from flask.testing import FlaskClient

from flask_app import create_app  # your app factory; here examples/python/flask_app.py
from notify_store import NotificationStore
from wechatpay_notify.testing import Kit


@pytest.fixture
def client(wechatpay_kit: Kit, tmp_path: Path) -> FlaskClient:
    # The handler, configured as in production but with the kit's test keys.
    verifier = wechatpay_kit.verifier()
    return create_app(verifier, NotificationStore(str(tmp_path / "notify.db"))).test_client()


def test_a_payment_is_acknowledged(client: FlaskClient, wechatpay_kit: Kit) -> None:
    headers, body = wechatpay_kit.notification("transaction", out_trade_no="T1", amount={"total": 100})
    assert client.post("/wechatpay/notify", data=body, headers=headers).status_code == 204


def test_a_forged_callback_is_refused(client: FlaskClient, wechatpay_kit: Kit) -> None:
    headers, body = wechatpay_kit.tampered("transaction")
    assert client.post("/wechatpay/notify", data=body, headers=headers).status_code == 401


# ---- The README's "Testing your handler" block is this file down to the line above. ----


def test_the_readme_shows_this_file() -> None:
    here = Path(__file__).read_text(encoding="utf-8")
    example = here[: here.index("# ---- The README")].rstrip("\n") + "\n"
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    python = readme[readme.index("\n## Python\n") + 1 :]
    python = python[: python.index("\n## ")]  # up to the next language
    section = python[python.index("\n### Testing your handler\n") :]
    block = section[section.index("```python\n") + len("```python\n") :]
    assert block[: block.index("```\n")] == example
