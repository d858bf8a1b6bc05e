"""Benchmark: wechatpay_notify against wechatpayv3 2.0.4, and GIL release across threads.

Not a test: run it by hand after installing the package and the benchmark dependencies::

    .venv/bin/pip install . wechatpayv3==2.0.4 cryptography
    .venv/bin/python benches/python_vs_wechatpayv3.py

Part 1 times, in alternating rounds, the same signed and encrypted TRANSACTION.SUCCESS
notification (public-key mode, 微信支付公钥, in both libraries):

- ``Verifier.parse(headers, body).transaction()``, the typed parse;
- ``Verifier.parse(headers, body)`` with ``.resource`` accessed;
- the floor of the binding: the same typed parse done by the Rust core itself
  (``crates/wechatpay-notify/examples/typed_parse.rs``, built for the installed backend with
  cargo if needed, one process per round);
- wechatpayv3's ``WeChatPay.callback(headers, body)`` (verify, decrypt, two ``json.loads``).

It prints the median per-callback time of each, the binding against its floor (goal: at most
1.10x), the speedup over wechatpayv3 (goal: 2.00x), and a breakdown of where each library
spends its time.

Part 2 runs ``parse`` + ``.resource`` on one shared verifier from 1 and then 2 threads and
prints the throughput ratio: RSA, AES and JSON run with the GIL released, so on 2 cores two
threads should give at least 1.8x the throughput of one.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import wechatpay_notify
from wechatpay_notify.testing import Kit

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "tests" / "vectors" / "keys"
PLAINTEXT = {
    "mchid": "1900000109",
    "appid": "wxd678efh567hg6787",
    "out_trade_no": "1217752501201407033233368018",
    "transaction_id": "4200001234202311140123456789",
    "trade_type": "JSAPI",
    "trade_state": "SUCCESS",
    "trade_state_desc": "支付成功",
    "bank_type": "CMC",
    "attach": "",
    "success_time": "2023-11-14T22:13:19+08:00",
    "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    "amount": {"total": 100, "payer_total": 100, "currency": "CNY", "payer_currency": "CNY"},
}


#: The testing kit acts as WeChat Pay with throwaway test keys (docs/testing.md); both
#: libraries are configured with its public key and APIv3 key.
KIT = Kit()
APIV3_KEY = KIT.apiv3_key
PUBLIC_KEY_ID = KIT.key_id


def signed_notification() -> Tuple[Dict[str, str], bytes]:
    """A notification as WeChat Pay sends it, signed now by the kit."""
    kit_headers, body = KIT.notification(
        "transaction", PLAINTEXT, id="EV-2018022511223320873"
    )
    headers = {
        # What a framework hands over: the WeChat Pay headers among ordinary ones.
        "Host": "merchant.example.com",
        "User-Agent": "Mozilla/4.0",
        "Content-Length": str(len(body)),
        "Accept": "*/*",
        "Connection": "Keep-Alive",
        "Pragma": "no-cache",
        **kit_headers,
    }
    return headers, body


def public_key_pem() -> str:
    return KIT.public_key_pem


def ours() -> Tuple[wechatpay_notify.Verifier, Callable[[Dict[str, str], bytes], Any]]:
    verifier = wechatpay_notify.Verifier(APIV3_KEY, public_keys={PUBLIC_KEY_ID: public_key_pem()})

    def callback(headers: Dict[str, str], body: bytes) -> Any:
        return verifier.parse(headers, body).resource

    return verifier, callback


def theirs() -> Any:
    from wechatpayv3 import WeChatPay, WeChatPayType  # type: ignore[import-untyped]

    # wechatpayv3 needs a merchant key to sign its own requests; any RSA key does here.
    merchant_key = (KEYS / "test-attacker.key.pem").read_text()
    return WeChatPay(
        wechatpay_type=WeChatPayType.NATIVE,
        mchid="1900000109",
        private_key=merchant_key,
        cert_serial_no="444F4864EA9B34415A7BCE2E1B3D4F5A6B7C8D9E",
        appid="wxd678efh567hg6787",
        apiv3_key=APIV3_KEY,
        public_key=public_key_pem(),
        public_key_id=PUBLIC_KEY_ID,
    )


def per_call(fn: Callable[[], Any], iterations: int) -> float:
    """Seconds per call of ``fn`` over ``iterations`` calls."""
    start = time.perf_counter()
    for _ in range(iterations):
        fn()
    return (time.perf_counter() - start) / iterations


def us(seconds: float) -> str:
    return f"{seconds * 1e6:7.1f} µs"


def floor_binary() -> Path:
    """The Rust core's typed parse (the binding's floor), built for the installed backend."""
    features = (
        ["--no-default-features", "--features", "aws-lc"]
        if wechatpay_notify.BACKEND == "aws-lc"
        else []
    )
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "-p", "wechatpay-notify", *features,
         "--example", "typed_parse"],
        cwd=ROOT,
        check=True,
    )
    return ROOT / "target" / "release" / "examples" / "typed_parse"


def floor_round(binary: Path, headers: Dict[str, str], body: bytes, iterations: int) -> float:
    """Seconds per callback of the Rust core's typed parse of the same callback."""
    case = {
        "apiv3_key": APIV3_KEY,
        "public_key_id": PUBLIC_KEY_ID,
        "public_key_pem": public_key_pem(),
        "headers": list(headers.items()),
        "body": body.decode(),
        "kind": "transaction",
        "iterations": iterations,
    }
    out = subprocess.run(
        [str(binary)], input=json.dumps(case), capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def head_to_head(rounds: int, iterations: int) -> float:
    headers, body = signed_notification()
    verifier, our_callback = ours()
    pay = theirs()
    expected = our_callback(headers, body)
    result = pay.callback(headers, body)
    assert result is not None and result["resource"] == expected, "both must decrypt it"
    assert result["resource"]["out_trade_no"] == PLAINTEXT["out_trade_no"]
    typed = verifier.parse(headers, body).transaction()
    assert typed.out_trade_no == PLAINTEXT["out_trade_no"]
    binary = floor_binary()

    def our_typed() -> Any:
        return verifier.parse(headers, body).transaction()

    times: Dict[str, List[float]] = {"typed": [], "resource": [], "floor": [], "theirs": []}
    per_call(our_typed, iterations // 5)  # warm up
    per_call(lambda: our_callback(headers, body), iterations // 5)
    per_call(lambda: pay.callback(headers, body), iterations // 5)
    for _ in range(rounds):
        times["typed"].append(per_call(our_typed, iterations))
        times["floor"].append(floor_round(binary, headers, body, iterations))
        times["resource"].append(per_call(lambda: our_callback(headers, body), iterations))
        times["theirs"].append(per_call(lambda: pay.callback(headers, body), iterations))
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    worst = {k: max(v) for k, v in times.items()}
    print(f"== one callback: {rounds} alternating rounds x {iterations} calls ==")
    print("                                                   median      best     worst")
    rows = [
        ("typed", "wechatpay_notify  parse + .transaction()      "),
        ("resource", "wechatpay_notify  parse + .resource           "),
        ("floor", "floor: Rust core parse_at + transaction()     "),
        ("theirs", "wechatpayv3 2.0.4 WeChatPay.callback          "),
    ]
    for key, label in rows:
        print(f"{label}    {us(med[key])} {us(best[key])} {us(worst[key])} / callback")
    per_round = lambda a, b: sorted(x / y for x, y in zip(times[a], times[b]))  # noqa: E731
    over_floor = per_round("typed", "floor")
    speedup = per_round("theirs", "typed")
    print(
        f"typed parse / floor: {med['typed'] / med['floor']:.2f}x on medians"
        f" ({over_floor[0]:.2f}-{over_floor[-1]:.2f} over rounds; goal: at most 1.10x)"
    )
    print(
        f"speedup over wechatpayv3: {med['theirs'] / med['typed']:.2f}x typed,"
        f" {med['theirs'] / med['resource']:.2f}x with .resource, on medians"
        f" ({speedup[0]:.2f}-{speedup[-1]:.2f} typed over rounds; goal: 2.00x)"
    )
    return med["theirs"] / med["typed"]


def breakdown(iterations: int) -> None:
    """Where each library's time goes, timing its parts one by one."""
    headers, body = signed_notification()
    verifier, _ = ours()
    notification = verifier.parse(headers, body)
    envelope = json.loads(body)
    resource = envelope["resource"]
    signature = base64.b64decode(headers["Wechatpay-Signature"])
    message = b"%s\n%s\n%s\n" % (
        headers["Wechatpay-Timestamp"].encode(),
        headers["Wechatpay-Nonce"].encode(),
        body,
    )
    crypto_key = serialization.load_pem_public_key(public_key_pem().encode())
    assert isinstance(crypto_key, rsa.RSAPublicKey)
    wechat_headers = {k: v for k, v in headers.items() if k.startswith("Wechatpay")}

    def fresh_resource() -> Any:
        return verifier.parse(headers, body).resource

    parts_ours = [
        ("parse + .resource (total)", fresh_resource),
        ("parse only", lambda: verifier.parse(headers, body)),
        ("parse, only the 5 Wechatpay headers", lambda: verifier.parse(wechat_headers, body)),
        ("verify (steps 0-10: headers, RSA)", lambda: verifier.verify(headers, body)),
        (
            "decrypt_resource (AES-256-GCM alone)",
            lambda: wechatpay_notify.decrypt_resource(
                APIV3_KEY, resource["nonce"], resource["associated_data"], resource["ciphertext"]
            ),
        ),
    ]
    parts_theirs = [
        (
            "cryptography RSA verify (OpenSSL)",
            lambda: crypto_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256()),
        ),
        (
            "AESGCM(key).decrypt",
            lambda: AESGCM(APIV3_KEY.encode()).decrypt(
                resource["nonce"].encode(),
                base64.b64decode(resource["ciphertext"]),
                b"transaction",
            ),
        ),
        ("json.loads(body)", lambda: json.loads(body)),
        ("json.loads(plaintext)", lambda: json.loads(notification.plaintext)),
    ]
    print("== breakdown, best of 3, per call (.resource costs total minus 'parse only') ==")
    for name, fn in parts_ours:
        best = min(per_call(fn, iterations) for _ in range(3))
        print(f"  wechatpay_notify  {name:45s} {us(best)}")
    for name, fn in parts_theirs:
        best = min(per_call(fn, iterations) for _ in range(3))
        print(f"  wechatpayv3 parts {name:45s} {us(best)}")


def threaded(seconds: float, rounds: int, with_resource: bool) -> float:
    headers, body = signed_notification()
    verifier, callback = ours()
    if not with_resource:
        callback = verifier.parse
    callback(headers, body)

    def throughput(threads: int) -> float:
        counts = [0] * threads
        stop = threading.Event()
        barrier = threading.Barrier(threads + 1)

        def work(slot: int) -> None:
            barrier.wait()
            n = 0
            while not stop.is_set():
                for _ in range(50):
                    callback(headers, body)
                n += 50
            counts[slot] = n

        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        barrier.wait()
        start = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for w in workers:
            w.join()
        return sum(counts) / (time.perf_counter() - start)

    ones: List[float] = []
    twos: List[float] = []
    for _ in range(rounds):
        ones.append(throughput(1))
        twos.append(throughput(2))
    one, two = statistics.median(ones), statistics.median(twos)
    ratio = two / one
    what = "parse + .resource" if with_resource else "parse"
    print(f"== threads: {what} on one shared Verifier, {rounds} alternating rounds of {seconds} s ==")
    print(f"1 thread : {one:9.0f} callbacks/s (median; best {max(ones):.0f})")
    print(f"2 threads: {two:9.0f} callbacks/s (median; best {max(twos):.0f})")
    print(
        f"ratio: {ratio:.2f}x on medians, {max(twos) / max(ones):.2f}x on bests"
        f" (goal: 1.80x; this machine has {os.cpu_count()} CPUs)"
    )
    return ratio


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--thread-seconds", type=float, default=2.0)
    parser.add_argument("--thread-rounds", type=int, default=7)
    parser.add_argument("--skip-breakdown", action="store_true")
    parser.add_argument("--only-threads", action="store_true")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, wechatpay_notify {wechatpay_notify.__version__}")
    if not args.only_threads:
        head_to_head(args.rounds, args.iterations)
    if not (args.skip_breakdown or args.only_threads):
        breakdown(args.iterations)
    threaded(args.thread_seconds, args.thread_rounds, with_resource=True)
    threaded(args.thread_seconds, args.thread_rounds, with_resource=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
