#!/usr/bin/env python3
"""Re-check notifications.json against a small, separate reference implementation.

This evaluates every case from scratch with `cryptography` and the standard library (RSA
verification, AES-256-GCM, AES-256-ECB, MD5/HMAC signs, a strict flat-XML reader) following
the check order of `docs/protocol.md` and `docs/apiv2.md`, and compares the outcome with the case's
`expect`. It shares no code with generate.py, so a mistake in one shows up as a mismatch.

Verifiers with `merchants` (docs/merchants.md) are built by their own rules here: the serial
selects the key, a key shared by several merchants tries their APIv3 keys in order, and the
one that opens the resource is the expected `mchid`; `message_contains` is compared with the
parts the reference's own message has (the serials by merchant, the merchants tried), and the
`merchants_` cases are checked to show what they claim (see check_merchants).

Accepted v3_parse cases are also checked against the event catalog (models/events.json):
`kind` by the Dispatch rule of models/README.md, and for the cases with `events` every typed
accessor's result, the one defective field (by decoding the plaintext against the kind's
model), the fields read back, and that each kind has its sample case and a malformed one.

    python3 tests/vectors/check_vectors.py [path/to/notifications.json]

Exit status 0 when every case agrees.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import sys
from pathlib import Path
from xml.parsers import expat

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

WHITESPACE = b" \t\r\n"
MAX_JSON_DEPTH = 128


class Refused(Exception):
    """The reference refuses a case with `code`."""

    def __init__(self, code: str, why: str = "", parts: tuple[str, ...] = ()):
        super().__init__(f"{code}: {why}")
        self.code = code
        self.why = why
        self.parts = parts  # what docs/merchants.md says the message names


# ----------------------------------------------------------------------------------------
# Small strict decoders
# ----------------------------------------------------------------------------------------


def strict_b64(text: str | bytes) -> bytes | None:
    """Standard base64 with padding and canonical trailing bits, else None."""
    raw = text.encode("latin-1") if isinstance(text, str) else text
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if base64.b64encode(decoded) == raw else None


def json_depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((json_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((json_depth(v) for v in value), default=0)
    return 0


def load_json(data: bytes):
    """UTF-8 JSON with bounded depth, else ValueError."""
    value = json.loads(data.decode("utf-8"))  # UnicodeDecodeError and JSONDecodeError are ValueError
    if json_depth(value) > MAX_JSON_DEPTH:
        raise ValueError("too deep")
    return value


def flat_xml(data: bytes, root: str) -> dict[str, str]:
    """`<root><name>text</name>...</root>`, no DTD, no custom entities, no nesting."""
    fields: dict[str, str] = {}
    stack: list[str] = []
    text: list[str] = []
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def refuse(*_):
        raise ValueError("DTD or processing instruction")

    def start(name, _attrs):
        if (not stack and name != root) or len(stack) >= 2:
            raise ValueError("wrong root or nested element")
        stack.append(name)
        text.clear()

    def end(name):
        stack.pop()
        if len(stack) == 1:
            if name in fields:
                raise ValueError("duplicate field")
            fields[name] = "".join(text)

    def characters(data):
        if len(stack) == 2:
            text.append(data)
        elif data.strip(" \t\r\n"):
            raise ValueError("text outside a field")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ProcessingInstructionHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise ValueError(str(e)) from e
    return fields


# ----------------------------------------------------------------------------------------
# APIv3
# ----------------------------------------------------------------------------------------


class RsaKey:
    def __init__(self, public_key, not_before=None, not_after=None):
        if not isinstance(public_key, rsa.RSAPublicKey) or public_key.key_size < 2048:
            raise Refused("CONFIG_INVALID", "not RSA >= 2048")
        self.public_key = public_key
        self.not_before, self.not_after = not_before, not_after

    def expired(self, now: int) -> bool:
        return self.not_before is not None and not (self.not_before <= now <= self.not_after)


def load_public_key(pem: str) -> RsaKey:
    try:
        return RsaKey(serialization.load_pem_public_key(pem.encode()))
    except ValueError as e:
        raise Refused("CONFIG_INVALID", f"public key: {e}") from e


def load_certificate(pem: str) -> tuple[str, RsaKey]:
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError as e:
        raise Refused("CONFIG_INVALID", f"certificate: {e}") from e
    validity = (int(cert.not_valid_before_utc.timestamp()), int(cert.not_valid_after_utc.timestamp()))
    return f"{cert.serial_number:X}", RsaKey(cert.public_key(), *validity)


class Slot:
    """One configured id or serial: its key and the merchants (indexes) it is configured for."""

    def __init__(self, label: str, key: RsaKey, is_certificate: bool):
        self.label, self.key, self.is_certificate = label, key, is_certificate
        self.merchants: list[int] = []


def same_key(a: RsaKey, b: RsaKey) -> bool:
    return a.public_key.public_numbers() == b.public_key.public_numbers()


class V3Verifier:
    """Either one merchant (apiv3_key, public_keys, certificates at the top) or `merchants`."""

    SINGLE_FIELDS = ("apiv3_key", "public_keys", "certificates")

    def __init__(self, config: dict):
        if "merchants" in config:
            if any(field in config for field in self.SINGLE_FIELDS):
                raise Refused("CONFIG_INVALID", "merchants and a top-level merchant")
            entries, named = config["merchants"], True
            if not entries:
                raise Refused("CONFIG_INVALID", "no merchants")
        else:
            entries, named = [config], False
        self.merchants: list[tuple[str | None, bytes]] = []
        self.public_keys: dict[str, Slot] = {}  # by id, exactly
        self.certificates: dict[str, Slot] = {}  # by serial in uppercase
        for index, entry in enumerate(entries):
            mchid = entry["mchid"] if named else None
            if named and (not isinstance(mchid, str) or not mchid.strip()):
                raise Refused("CONFIG_INVALID", "empty mchid")
            if named and any(mchid == other for other, _ in self.merchants):
                raise Refused("CONFIG_INVALID", f"merchant {mchid} twice")
            apiv3_key = entry["apiv3_key"].encode("utf-8")
            if len(apiv3_key) != 32:
                raise Refused("CONFIG_INVALID", "APIv3 key length")
            loaded = [(k["id"], load_public_key(k["pem"]), False) for k in entry["public_keys"]]
            loaded += [(*load_certificate(pem), True) for pem in entry["certificates"]]
            if not loaded:
                raise Refused("CONFIG_INVALID", "no keys")
            for label, key, is_certificate in loaded:
                self.add(index, label, key, is_certificate)
            self.merchants.append((mchid, apiv3_key))
        self.max_clock_skew = config["max_clock_skew"]
        self.max_body_size = config["max_body_size"]

    def add(self, merchant: int, label: str, key: RsaKey, is_certificate: bool) -> None:
        table = self.certificates if is_certificate else self.public_keys
        lookup = label.upper() if is_certificate else label
        slot = table.get(lookup)
        if slot is None:
            slot = table[lookup] = Slot(label, key, is_certificate)
        elif merchant in slot.merchants:
            raise Refused("CONFIG_INVALID", f"{label} twice for one merchant")
        elif not same_key(slot.key, key):
            raise Refused("CONFIG_INVALID", f"one serial, two keys: {label}")
        slot.merchants.append(merchant)

    def configured(self) -> tuple[str, ...]:
        """docs/merchants.md: `<mchid> <serial>` per key of each merchant, in order."""
        slots = list(self.public_keys.values()) + list(self.certificates.values())
        return tuple(
            f"{mchid} {slot.label}"
            for index, (mchid, _) in enumerate(self.merchants)
            if mchid is not None
            for slot in slots
            if index in slot.merchants
        )

    def slot_for(self, serial: str) -> Slot:
        if serial.startswith("PUB_KEY_ID_"):
            slot = self.public_keys.get(serial)
        else:
            slot = self.certificates.get(serial.upper())
        if slot is None:
            parts = self.configured()
            raise Refused("UNKNOWN_SERIAL", f"{serial} (configured: {'; '.join(parts)})", parts)
        return slot

    def verify(self, headers: list[list[str]], body: bytes, now: int) -> Slot:
        """Steps 0-10; the slot of the key that verified."""
        if len(body) > self.max_body_size:
            raise Refused("BODY_TOO_LARGE")
        if body.lstrip(WHITESPACE)[:1] == b"<":
            raise Refused("WRONG_FORMAT")
        get = header_reader(headers)
        values = [
            get(name)
            for name in ("Wechatpay-Serial", "Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce")
        ]
        if not all(values):
            raise Refused("MISSING_HEADER")
        serial, signature, timestamp, nonce = values
        if get("Wechatpay-Signature-Type") not in (None, "", "WECHATPAY2-SHA256-RSA2048"):
            raise Refused("UNSUPPORTED_SIGNATURE_TYPE")
        if (
            not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 19)
            or int(timestamp) >= 2**63
        ):
            raise Refused("BAD_TIMESTAMP")
        if abs(now - int(timestamp)) > self.max_clock_skew:
            raise Refused("TIMESTAMP_SKEW")
        if signature.startswith("WECHATPAY/SIGNTEST/"):
            raise Refused("SIGNATURE_PROBE")
        slot = self.slot_for(serial)
        key = slot.key
        if key.expired(now):
            raise Refused("KEY_EXPIRED")
        raw_signature = strict_b64(signature.encode("utf-8"))
        if raw_signature is None or len(raw_signature) != key.public_key.key_size // 8:
            raise Refused("MALFORMED_SIGNATURE")
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        try:
            key.public_key.verify(raw_signature, message, PKCS1v15(), hashes.SHA256())
        except InvalidSignature as e:
            raise Refused("SIGNATURE_MISMATCH") from e
        return slot

    def parse(self, headers: list[list[str]], body: bytes, now: int) -> dict:
        """Steps 0-15."""
        slot = self.verify(headers, body, now)
        envelope = parse_envelope(body)
        resource = envelope["resource"]
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise Refused("UNSUPPORTED_ALGORITHM")
        plaintext, mchid = self.decrypt(resource, slot)
        return {
            "ok": True,
            **{
                field: envelope.get(field, "")
                for field in ("id", "create_time", "event_type", "resource_type", "summary")
            },
            "original_type": resource.get("original_type", ""),
            "plaintext": plaintext,
            "mchid": mchid,
        }

    def decrypt(self, resource: dict, slot: Slot) -> tuple[str, str | None]:
        """Steps 13-15 with the APIv3 keys of the slot's merchants, in configuration order."""
        nonce, ciphertext, aad = (
            resource.get("nonce"),
            resource.get("ciphertext"),
            resource.get("associated_data", ""),
        )
        if not isinstance(nonce, str) or len(nonce.encode()) != 12 or not isinstance(ciphertext, str):
            raise Refused("MALFORMED_RESOURCE", "nonce or ciphertext")
        sealed = strict_b64(ciphertext.encode())
        if sealed is None or len(sealed) < 16:
            raise Refused("MALFORMED_RESOURCE", "ciphertext base64")
        tried = []
        for index in slot.merchants:
            mchid, apiv3_key = self.merchants[index]
            try:
                plaintext = AESGCM(apiv3_key).decrypt(nonce.encode(), sealed, aad.encode())
                break
            except InvalidTag:
                tried.append(mchid)
        else:
            parts = tuple(mchid for mchid in tried if mchid is not None) if len(tried) > 1 else ()
            raise Refused("DECRYPT_FAILED", f"tried {', '.join(parts)}", parts)
        try:
            json.loads(plaintext.decode("utf-8"))
        except ValueError as e:
            raise Refused("MALFORMED_RESOURCE", "plaintext") from e
        return plaintext.decode("utf-8"), mchid


def header_reader(headers: list[list[str]]):
    def get(name: str) -> str | None:
        for key, value in headers:
            if key.lower() == name.lower():
                return value.strip(" \t\r\n")
        return None

    return get


def parse_envelope(body: bytes) -> dict:
    """Step 11."""
    try:
        envelope = load_json(body)
    except (ValueError, RecursionError) as e:
        raise Refused("MALFORMED_BODY", str(e)) from e
    if not isinstance(envelope, dict) or not isinstance(envelope.get("resource"), dict):
        raise Refused("MALFORMED_BODY", "shape")
    for field in ("id", "create_time", "event_type", "resource_type", "summary"):
        if field in envelope and not isinstance(envelope[field], str):
            raise Refused("MALFORMED_BODY", f"{field} not a string")
    return envelope


# ----------------------------------------------------------------------------------------
# APIv2
# ----------------------------------------------------------------------------------------


def v2_key(text: str) -> bytes:
    key = text.encode("utf-8")
    if len(key) != 32:
        raise Refused("CONFIG_INVALID")
    return key


def v2_fields(body: bytes) -> dict[str, str]:
    if body.lstrip(WHITESPACE)[:1] in (b"{", b"["):
        raise Refused("WRONG_FORMAT")
    try:
        fields = flat_xml(body, "xml")
    except ValueError as e:
        raise Refused("MALFORMED_BODY", str(e)) from e
    if fields.get("return_code") != "SUCCESS":
        raise Refused("RETURN_FAIL")
    return fields


def v2_expected_sign(fields: dict[str, str], key: bytes, algorithm: str) -> str:
    text = "&".join(f"{k}={fields[k]}" for k in sorted(fields, key=str.encode) if k != "sign" and fields[k])
    message = text.encode() + b"&key=" + key
    if algorithm == "MD5":
        return hashlib.md5(message).hexdigest().upper()
    return hmac.new(key, message, hashlib.sha256).hexdigest().upper()


def v2_payment(key: bytes, body: bytes) -> dict:
    fields = v2_fields(body)
    sign = fields.get("sign", "")
    if not sign:
        raise Refused("MISSING_FIELD")
    algorithm = fields.get("sign_type") or {32: "MD5", 64: "HMAC-SHA256"}.get(len(sign))
    if "sign_type" in fields and algorithm not in ("MD5", "HMAC-SHA256"):
        raise Refused("UNSUPPORTED_SIGNATURE_TYPE")
    if algorithm is None:
        raise Refused("MALFORMED_SIGNATURE")
    if not hmac.compare_digest(v2_expected_sign(fields, key, algorithm), sign.upper()):
        raise Refused("SIGNATURE_MISMATCH")
    return {"ok": True, "fields": fields}


def v2_refund(key: bytes, body: bytes) -> dict:
    fields = v2_fields(body)
    req_info = fields.pop("req_info", "")
    if not req_info:
        raise Refused("MISSING_FIELD")
    ciphertext = strict_b64(req_info.encode())
    if ciphertext is None or len(ciphertext) % 16:
        raise Refused("DECRYPT_FAILED", "base64 or length")
    aes_key = hashlib.md5(key).hexdigest().encode()
    decryptor = Cipher(algorithms.AES(aes_key), modes.ECB()).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        plaintext = unpadder.update(padded) + unpadder.finalize()
        return {"ok": True, "fields": fields, "req_info": flat_xml(plaintext, "root")}
    except ValueError as e:
        raise Refused("DECRYPT_FAILED", str(e)) from e


# ----------------------------------------------------------------------------------------
# Event catalog: kind() and the typed accessors (models/events.json, models/README.md)
# ----------------------------------------------------------------------------------------

CATALOG_PATH = Path(__file__).resolve().parents[2] / "models" / "events.json"
EVENT_KEYS = ("kind", "events", "event_error_contains", "event_error_excludes", "event_fields")
MESSAGE_KEYS = ("message_contains",)
ACCESSOR_RESULTS = ("ok", "UNEXPECTED_EVENT", "MALFORMED_RESOURCE")
SCALARS = {"string": (str,), "int": (int,), "bool": (bool,)}


def no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys {duplicates}")
    return dict(pairs)


class EventCatalog:
    def __init__(self, path: Path):
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicate_keys)
        self.kinds = {entry["kind"]: entry for entry in data["kinds"]}
        self.models = {model["name"]: model for model in data["models"]}
        self.samples_dir = path.parent / "samples"

    def kind_of(self, event_type: str, original_type: str, resource) -> str:
        """Dispatch: envelope match, then the longest fully present requires_fields."""
        matched = [
            name
            for name, entry in self.kinds.items()
            if event_type in entry["event_types"]
            and (original_type in entry["original_types"] or entry["original_types"] == [])
        ]
        if len(matched) < 2:
            return matched[0] if matched else "unknown"
        present = set(resource) if isinstance(resource, dict) else set()
        ranked = sorted(
            (len(self.kinds[name]["requires_fields"]), name)
            for name in matched
            if present >= set(self.kinds[name]["requires_fields"])
        )
        if not ranked:
            return "unknown"
        if len(ranked) > 1 and ranked[-1][0] == ranked[-2][0]:
            raise ValueError(f"dispatch tie between {[name for _, name in ranked]}")
        return ranked[-1][1]

    def defects(self, value, type_name: str, path: str = "") -> list[tuple[str, str]]:
        """Every (dotted path, reason) where `value` does not decode as `type_name`."""
        if type_name in SCALARS:
            fits = isinstance(value, SCALARS[type_name]) and (type_name == "bool") == isinstance(value, bool)
            if type_name == "int" and fits:
                fits = -(2**63) <= value < 2**63
            return [] if fits else [(path, f"not {type_name}")]
        if type_name.startswith("list<"):
            if not isinstance(value, list):
                return [(path, "not a list")]
            item_type = type_name[len("list<") : -1]
            return [d for i, item in enumerate(value) for d in self.defects(item, item_type, f"{path}.{i}")]
        if not isinstance(value, dict):
            return [(path, "not an object")]
        found = []
        for field in self.models[type_name]["fields"]:
            child = f"{path}.{field['name']}" if path else field["name"]
            if value.get(field["name"]) is None:  # absent or null
                if field["required"]:
                    found.append((child, "missing"))
            else:
                found.extend(self.defects(value[field["name"]], field["type"], child))
        return found

    def field_type(self, model_name: str, path: str) -> str | None:
        """The type of the field `path` names (digits index list items), None if unmodelled."""
        type_name = model_name
        for step in path.split("."):
            if type_name.startswith("list<") and step.isdigit():
                type_name = type_name[len("list<") : -1]
            elif type_name in self.models:
                field = next((f for f in self.models[type_name]["fields"] if f["name"] == step), None)
                if field is None:
                    return None
                type_name = field["type"]
            else:
                return None
        return type_name

    def has_nested(self, model_name: str) -> bool:
        return any(f["type"] not in SCALARS for f in self.models[model_name]["fields"])


def lookup(value, path: str):
    for step in path.split("."):
        if isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            raise KeyError(path)
    return value


def has_list_item(value) -> bool:
    if isinstance(value, list):
        return bool(value)
    return isinstance(value, dict) and any(has_list_item(v) for v in value.values())


def check_events(catalog: EventCatalog, case: dict, got: dict) -> list[str]:
    """The catalog expectations of an accepted v3_parse case, against the decrypted resource."""
    expect = case["expect"]
    resource = json.loads(got["plaintext"])
    try:
        kind = catalog.kind_of(got["event_type"], got["original_type"], resource)
    except ValueError as e:
        return [str(e)]
    problems = []
    if expect.get("kind") != kind:
        problems.append(f"kind {expect.get('kind')!r}, the Dispatch rule gives {kind!r}")
    events = expect.get("events")
    if events is None:
        if case["name"].startswith("event_"):
            problems.append("an event_ case without events")
        if any(key in expect for key in EVENT_KEYS[2:]):
            problems.append("event_* expectations without events")
        return problems
    if not isinstance(events, dict) or sorted(events) != sorted(catalog.kinds):
        return problems + [f"events must name every catalog kind once: {sorted(events or {})}"]
    if any(value not in ACCESSOR_RESULTS for value in events.values()):
        problems.append(f"events values must be one of {ACCESSOR_RESULTS}")
    defects = []
    if kind in catalog.kinds:
        defects = catalog.defects(resource, catalog.kinds[kind]["model"])
    wanted = {
        name: ("UNEXPECTED_EVENT" if name != kind else "MALFORMED_RESOURCE" if defects else "ok")
        for name in catalog.kinds
    }
    if events != wanted:
        problems.append(f"events {events}, the models give {wanted} (defects {defects})")

    contains, excludes = expect.get("event_error_contains"), expect.get("event_error_excludes")
    if (contains is not None or excludes is not None) and not defects:
        problems.append("event_error_* on a case whose own accessor succeeds")
    if defects and [path for path, _ in defects] != [contains]:
        problems.append(f"event_error_contains {contains!r}: the one defect must be it, found {defects}")
    if excludes is not None and contains is not None and defects:
        value = lookup(resource, contains)
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if not excludes or excludes not in shown or excludes in contains:
            problems.append(f"event_error_excludes {excludes!r} is not (only) the defective value {shown!r}")

    fields = expect.get("event_fields")
    if events.get(kind) == "ok":
        model = catalog.kinds[kind]["model"]
        if not isinstance(fields, dict) or not 2 <= len(fields) <= 4:
            return problems + ["an ok own accessor needs 2-4 event_fields"]
        for path, value in fields.items():
            type_name = catalog.field_type(model, path)
            try:
                actual = lookup(resource, path)
            except KeyError:
                actual = KeyError
            if type_name not in SCALARS:
                problems.append(f"event_fields {path}: not a scalar field of {model} ({type_name})")
            elif catalog.defects(value, type_name):
                problems.append(f"event_fields {path}: {value!r} is not a {type_name}")
            elif actual is KeyError or type(actual) is not type(value) or actual != value:
                problems.append(f"event_fields {path}: expects {value!r}, the plaintext has {actual!r}")
        if catalog.has_nested(model) and all("." not in path for path in fields):
            problems.append(f"event_fields: no nested field although {model} has nested ones")
        if has_list_item(resource) and not any(
            any(step.isdigit() for step in path.split(".")) for path in fields
        ):
            problems.append("event_fields: the plaintext has a list but no path reads an item")
    elif fields is not None:
        problems.append("event_fields on a case whose own accessor does not succeed")
    return problems


def check_event_coverage(doc: dict, catalog: EventCatalog) -> list[str]:
    """The event_ cases: signed like the simple valid ones, and each kind shown as it should be."""
    cases = {case["name"]: case for case in doc["cases"]}
    reference = cases.get("valid_transaction_public_key")
    if reference is None:
        return ["no valid_transaction_public_key case to compare the event_ cases with"]
    serial = header_reader(reference["headers"])("Wechatpay-Serial")
    events = [case for name, case in cases.items() if name.startswith("event_")]
    problems = []
    for case in events:
        if case["type"] != "v3_parse" or case["verifier"] != reference["verifier"]:
            problems.append(f"{case['name']}: not a v3_parse case of verifier {reference['verifier']}")
        if header_reader(case["headers"])("Wechatpay-Serial") != serial or case["now"] != reference["now"]:
            problems.append(f"{case['name']}: not signed like valid_transaction_public_key")
    for name, entry in catalog.kinds.items():
        case = cases.get(f"event_{name}")
        if case is None:
            problems.append(f"no event_{name} case")
            continue
        body = json.loads(bytes.fromhex(case["body_hex"]))
        sample = json.loads((catalog.samples_dir / f"{name}.json").read_text(encoding="utf-8"))
        if json.loads(case["expect"]["plaintext"]) != sample:
            problems.append(f"event_{name}: plaintext is not models/samples/{name}.json")
        if body.get("event_type") != entry["event_types"][0]:
            problems.append(f"event_{name}: event_type is not the first documented one")
        original = body["resource"].get("original_type", None)
        if original != (entry["original_types"][0] if entry["original_types"] else None):
            problems.append(f"event_{name}: original_type {original!r} is not the first documented one")
        if not any(c["expect"].get("events", {}).get(name) == "MALFORMED_RESOURCE" for c in events):
            problems.append(f"no event_ case where {name}() is MALFORMED_RESOURCE")
    if not any(c["expect"].get("kind") == "unknown" for c in events):
        problems.append("no event_ case of kind unknown")
    return problems


# ----------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------


def evaluate(doc: dict, case: dict) -> tuple[dict, Refused | None]:
    """The reference's result, and its refusal (with the message parts) when it refuses."""
    try:
        return evaluate_case(doc, case), None
    except Refused as refused:
        return {"error": refused.code}, refused


def evaluate_case(doc: dict, case: dict) -> dict:
    kind = case["type"]
    if kind.startswith("v3_"):
        verifier = V3Verifier(doc["verifiers"][case["verifier"]])
        if kind == "v3_config":
            return {"ok": True}
        body = bytes.fromhex(case["body_hex"])
        if kind == "v3_verify":
            verifier.verify(case["headers"], body, case["now"])
            return {"ok": True}
        return verifier.parse(case["headers"], body, case["now"])
    key = v2_key(doc["v2_keys"][case["v2_key"]])
    if kind == "v2_config":
        return {"ok": True}
    body = bytes.fromhex(case["body_hex"])
    return v2_payment(key, body) if kind == "v2_payment" else v2_refund(key, body)


def check_message(doc: dict, case: dict, refused: Refused | None) -> list[str]:
    """`expect.message_contains`: exactly the parts the reference's message names."""
    contains = case["expect"].get("message_contains")
    if contains is None:
        return []
    if refused is None or "error" not in case["expect"]:
        return ["message_contains on a case that does not fail"]
    if not isinstance(contains, list) or not contains or not all(isinstance(x, str) and x for x in contains):
        return ["message_contains must be a non-empty list of non-empty strings"]
    problems = []
    if sorted(contains) != sorted(refused.parts):
        problems.append(f"message_contains {contains}, the reference's message names {list(refused.parts)}")
    missing = [part for part in contains if part not in refused.why]
    if missing:
        problems.append(f"message_contains {missing} not in the reference's message {refused.why!r}")
    config = doc["verifiers"].get(case.get("verifier"), {})
    secrets = [config.get("apiv3_key")] + [m["apiv3_key"] for m in config.get("merchants", [])]
    if any(secret and secret in part for secret in secrets for part in contains):
        problems.append("message_contains holds an APIv3 key, which a message never shows")
    return problems


def check_merchants(doc: dict) -> list[str]:
    """The `merchants_` cases show what they claim: every merchant named by its own callback,
    a shared serial whose first merchant's key fails, a shared serial no key opens, an unknown
    serial, and one serial configured with two different keys."""
    problems = []
    for name, config in doc["verifiers"].items():
        if "merchants" in config and any(field in config for field in V3Verifier.SINGLE_FIELDS):
            problems.append(f"verifier {name}: merchants and top-level merchant fields")
    cases = [case for case in doc["cases"] if case["name"].startswith("merchants_")]
    seen = {"shared_not_first": False, "decrypt_failed": False, "unknown_serial": False, "two_keys": False}
    named: dict[str, set[str]] = {}
    for case in cases:
        config = doc["verifiers"][case["verifier"]]
        if "merchants" not in config:
            problems.append(f"{case['name']}: verifier {case['verifier']} has no merchants")
            continue
        expect = case["expect"]
        if case["type"] == "v3_config":
            problems.extend(f"{case['name']}: {p}" for p in check_two_keys(config))
            seen["two_keys"] = True
            continue
        verifier = V3Verifier(config)
        serial = header_reader(case["headers"])("Wechatpay-Serial")
        if expect.get("error") == "UNKNOWN_SERIAL":
            seen["unknown_serial"] = True
            continue
        slot = verifier.slot_for(serial)
        mchids = [verifier.merchants[i][0] for i in slot.merchants]
        if expect.get("ok"):
            named.setdefault(case["verifier"], set()).add(expect["mchid"])
            if json.loads(expect["plaintext"]).get("mchid") != expect["mchid"]:
                problems.append(f"{case['name']}: the plaintext's mchid is not expect.mchid")
            if expect["mchid"] in mchids[1:]:
                seen["shared_not_first"] = True
        elif expect.get("error") == "DECRYPT_FAILED" and len(mchids) > 1:
            seen["decrypt_failed"] = True
    for name, mchids in named.items():
        every = {m["mchid"] for m in doc["verifiers"][name]["merchants"]}
        if mchids != every:
            problems.append(f"verifier {name}: merchants without an accepted case: {sorted(every - mchids)}")
    problems.extend(f"no merchants_ case showing {what}" for what, ok in seen.items() if not ok)
    return problems


def check_two_keys(config: dict) -> list[str]:
    """A merchants config refused only because one id or serial names two different keys."""
    problems = []
    for entry in config["merchants"]:
        alone = {key: value for key, value in entry.items() if key != "mchid"}
        try:
            V3Verifier({**alone, "max_clock_skew": config["max_clock_skew"], "max_body_size": 1})
        except Refused as refused:
            problems.append(f"merchant {entry['mchid']} alone does not build: {refused}")
    seen: dict[str, list[RsaKey]] = {}
    for entry in config["merchants"]:
        for key in entry["public_keys"]:
            seen.setdefault(key["id"], []).append(load_public_key(key["pem"]))
        for pem in entry["certificates"]:
            serial, key = load_certificate(pem)
            seen.setdefault(serial, []).append(key)
    conflicts = [s for s, keys in seen.items() if any(not same_key(keys[0], k) for k in keys[1:])]
    if len(conflicts) != 1:
        problems.append(f"expected exactly one id with two different keys, found {conflicts}")
    return problems


def check_case_shape(case: dict) -> list[str]:
    problems = []
    if "body_hex" in case:
        body = bytes.fromhex(case["body_hex"])
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if case.get("body") != text:
            problems.append("body does not match body_hex")
    return problems


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else Path(__file__).resolve().parent / "notifications.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicate_keys)
        catalog = EventCatalog(CATALOG_PATH)
    except ValueError as e:
        print(f"MISMATCH {path.name} or {CATALOG_PATH.name}: {e}")
        return 1
    failures = 0
    for case in doc["cases"]:
        got, refused = evaluate(doc, case)
        problems = check_case_shape(case) + check_message(doc, case, refused)
        expect = {key: value for key, value in case["expect"].items() if key not in EVENT_KEYS + MESSAGE_KEYS}
        if got != expect:
            problems.append(f"expected {case['expect']}, reference gives {got}")
        elif case["type"] == "v3_parse" and got.get("ok"):
            problems.extend(check_events(catalog, case, got))
        elif any(key in case["expect"] for key in EVENT_KEYS):
            problems.append("catalog expectations on a case that is not an accepted v3_parse")
        for problem in problems:
            failures += 1
            print(f"MISMATCH {case['name']}: {problem}")
    for problem in check_event_coverage(doc, catalog):
        failures += 1
        print(f"MISMATCH event cases: {problem}")
    for problem in check_merchants(doc):
        failures += 1
        print(f"MISMATCH merchants cases: {problem}")
    events = sum(1 for case in doc["cases"] if "events" in case["expect"])
    print(f"check: {len(doc['cases'])} cases ({events} with typed accessors), {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
