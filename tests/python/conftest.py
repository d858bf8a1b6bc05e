"""Shared fixtures: the conformance vectors, the kits' verifiers.

The ``wechatpay_kit`` fixture (a session-wide ``wechatpay_notify.testing.Kit``) is not defined
here: it comes from the package's pytest plugin, through its installed ``pytest11`` entry point.
"""

from __future__ import annotations

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
from wechatpay_notify.testing import Kit  # noqa: E402
from testdata import load_vectors  # noqa: E402


@pytest.fixture(scope="session")
def vectors() -> Dict[str, Any]:
    return load_vectors()


@pytest.fixture(scope="session")
def verifier(wechatpay_kit: Kit) -> wechatpay_notify.Verifier:
    """The verifier of the session's kit (its test public key under its id)."""
    return wechatpay_kit.verifier()


@pytest.fixture(scope="session")
def cert_kit() -> Kit:
    """A kit whose test key comes with a self-signed platform certificate."""
    return Kit(certificate=True)
