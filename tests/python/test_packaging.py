"""The installed package: an abi3 extension, typed, with no runtime dependencies."""

from __future__ import annotations

import importlib.metadata
import inspect
import os
from pathlib import Path

import wechatpay_notify as wn
from wechatpay_notify import _native


def test_extension_is_abi3_and_typed() -> None:
    native = Path(_native.__file__ or "")
    assert native.name.startswith("_native.abi3."), native.name
    package = native.parent
    assert (package / "py.typed").is_file()
    assert (package / "_native.pyi").is_file()


def test_metadata() -> None:
    assert importlib.metadata.version("wechatpay-notify") == wn.__version__ == wn.CORE_VERSION
    assert not importlib.metadata.requires("wechatpay-notify")
    meta = importlib.metadata.metadata("wechatpay-notify")
    assert meta["Requires-Python"] == ">=3.8"


def test_backend() -> None:
    # The one scripts/backend.sh chose (scripts/test-python.sh), when it is in the environment.
    assert wn.BACKEND in ("ring", "aws-lc")
    assert os.environ.get("WPN_BACKEND") in (None, "", wn.BACKEND)


def test_public_names_and_signatures() -> None:
    for name in wn.__all__:
        assert hasattr(wn, name), name
    assert str(inspect.signature(wn.Verifier)) == (
        "(apiv3_key, *, public_keys=None, certificates=None, max_clock_skew=300, max_body_size=1048576)"
    )
    assert str(inspect.signature(wn.Verifier.parse)) == "(self, /, headers, body, *, now=None)"
    assert wn.Verifier.parse.__doc__ and wn.Notification.resource.__doc__
