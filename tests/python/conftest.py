"""Shared fixtures: the conformance vectors, a default verifier, a signer."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# No example database in the work tree; every run draws fresh examples.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))
settings.register_profile("wechatpay_notify", database=None)
settings.load_profile("wechatpay_notify")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "examples" / "python"))

import wechatpay_notify  # noqa: E402
from signing import APIV3_KEY, PUBLIC_KEY_ID, VECTORS, Signer, key_text  # noqa: E402


def load_vectors() -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((VECTORS / "notifications.json").read_text(encoding="utf-8"))
    assert data["format"] == 1
    return data


@pytest.fixture(scope="session")
def vectors() -> Dict[str, Any]:
    return load_vectors()


@pytest.fixture(scope="session")
def verifier() -> wechatpay_notify.Verifier:
    """Public key B under its id, and certificate A."""
    return wechatpay_notify.Verifier(
        APIV3_KEY,
        public_keys={PUBLIC_KEY_ID: key_text("test-platform-b.pub.pem")},
        certificates=[key_text("test-platform-a.cert.pem")],
    )


@pytest.fixture(scope="session")
def signer() -> Signer:
    return Signer.public_key_b()
