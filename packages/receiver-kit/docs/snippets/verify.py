"""Verify Hookline webhook deliveries in Python 3.8+.

Standard library only, except ed25519 (`v1a`): Python's standard library has no ed25519, so
verify_ed25519_v1a uses the `cryptography` package (pip install cryptography) and, when it is not
installed, the pure-Python RFC 8032 verifier in ed25519_rfc8032.py next to this file.

Every verify_* function takes the raw body as bytes (exactly as received, before any JSON parsing) and the
headers as a mapping read by lower-case name (Flask, Django and Starlette request.headers are case-insensitive
already). It returns None for a valid delivery and raises WebhookError(code) otherwise, with the codes of
the TypeScript receiver kit: missing_headers, invalid_signature, timestamp_out_of_tolerance.

`python3 verify.py [vectors.json]` checks every test vector.
"""
import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import sys
import time

TOLERANCE_SECONDS = 300

try:  # NOT standard library: pip install cryptography
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    def ed25519_verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
            return True
        except InvalidSignature:
            return False

    ED25519_IMPLEMENTATION = "cryptography"
except ImportError:  # standard library only: RFC 8032's reference verifier, slower (a few ms) but correct
    from ed25519_rfc8032 import verify as ed25519_verify

    ED25519_IMPLEMENTATION = "pure Python (RFC 8032)"


class WebhookError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def hmac_key(secret: str) -> bytes:
    """A whsec_ secret is base64 after its prefix; any other secret (a channel token) is its UTF-8 bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):])
    return secret.encode("utf-8")


def verify_hmac_v1(secret: str, headers, body: bytes, now: float = None) -> None:
    """Standard Webhooks: webhook-signature holds "v1,<base64 HMAC-SHA256 of id.timestamp.body>" entries."""
    webhook_id, timestamp = _standard_headers(headers, now)
    expected = hmac.new(hmac_key(secret), f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    if not any(hmac.compare_digest(expected, received) for received in _signatures(headers, "v1")):
        raise WebhookError("invalid_signature", "no v1 signature matches")


def verify_ed25519_v1a(public_key: str, headers, body: bytes, now: float = None) -> None:
    """Standard Webhooks v1a: "v1a,<base64 ed25519 signature of id.timestamp.body>", key "whpk_<base64 of 32 bytes>"."""
    if not public_key.startswith("whpk_"):
        raise ValueError("an ed25519 public key starts with whpk_")
    key = base64.b64decode(public_key[len("whpk_"):], validate=True)
    if len(key) != 32:
        raise ValueError("an ed25519 public key is 32 bytes")
    webhook_id, timestamp = _standard_headers(headers, now)
    content = f"{webhook_id}.{timestamp}.".encode() + body
    if not any(len(sig) == 64 and ed25519_verify(key, sig, content) for sig in _signatures(headers, "v1a")):
        raise WebhookError("invalid_signature", "no v1a signature matches")


def verify_body_hmac(secret: str, headers, body: bytes) -> None:
    """X-Webhook-Signature: "sha256=<hex HMAC-SHA256 of the body>". No timestamp, so a captured delivery can be replayed."""
    header = headers.get("x-webhook-signature")
    if not header:
        raise WebhookError("missing_headers", "missing x-webhook-signature")
    match = re.fullmatch(r"sha256=([0-9a-fA-F]{64})", header.strip())
    if not match:
        raise WebhookError("invalid_signature", 'x-webhook-signature is not "sha256=<hex>"')
    expected = hmac.new(hmac_key(secret), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match.group(1).lower()):
        raise WebhookError("invalid_signature", "x-webhook-signature does not match")


def verify_token(token: str, headers, header_name: str = "x-webhook-token") -> None:
    """A channel webhook's token header. It does not cover the body: also check verify_hmac_v1(token, ...)."""
    received = headers.get(header_name)
    if not received:
        raise WebhookError("missing_headers", f"missing {header_name}")
    # Comparing digests leaks neither the token nor its length.
    if not hmac.compare_digest(hashlib.sha256(token.encode()).digest(), hashlib.sha256(received.strip().encode()).digest()):
        raise WebhookError("invalid_signature", f"{header_name} does not match")


def _standard_headers(headers, now):
    names = ("webhook-id", "webhook-timestamp", "webhook-signature")
    missing = [name for name in names if not headers.get(name)]
    if missing:
        raise WebhookError("missing_headers", "missing " + ", ".join(missing))
    timestamp = headers["webhook-timestamp"].strip()
    if not re.fullmatch(r"[0-9]{1,15}", timestamp):
        raise WebhookError("invalid_signature", "webhook-timestamp is not Unix seconds")
    if abs(int(now if now is not None else time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        raise WebhookError("timestamp_out_of_tolerance", "webhook-timestamp is too old or too far in the future")
    return headers["webhook-id"].strip(), timestamp


def _signatures(headers, version: str):
    """The decoded "<version>,<base64>" entries; a trailing comma is dropped (repeated headers arrive joined by ", ")."""
    signatures = []
    for entry in headers["webhook-signature"].split():
        entry_version, _, encoded = entry.rstrip(",").partition(",")
        if entry_version == version:
            try:
                signatures.append(base64.b64decode(encoded, validate=True))
            except binascii.Error:
                pass
    return signatures


def check_vectors(path: str) -> bool:
    with open(path, encoding="utf-8") as file:
        vectors = json.load(file)
    now, token_header = vectors["now"], vectors["token_header"]
    verifiers = {
        "hmac-v1": lambda v: verify_hmac_v1(v["key"], v["headers"], v["body"].encode(), now),
        "body-hmac": lambda v: verify_body_hmac(v["key"], v["headers"], v["body"].encode()),
        "token": lambda v: verify_token(v["key"], v["headers"], token_header),
        "ed25519-v1a": lambda v: verify_ed25519_v1a(v["key"], v["headers"], v["body"].encode(), now),
    }
    passed = 0
    for vector in vectors["vectors"]:
        try:
            verifiers[vector["scheme"]](vector)
            result = "valid"
        except WebhookError as error:
            result = error.code
        ok = result == vector["expected"]
        passed += ok
        print(f"{'ok  ' if ok else 'FAIL'} {vector['scheme']}: {vector['name']} -> {result}" + ("" if ok else f" (expected {vector['expected']})"))
    print(f"python: {passed}/{len(vectors['vectors'])} vectors ok (ed25519: {ED25519_IMPLEMENTATION})")
    return passed == len(vectors["vectors"])


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if "--pure-python-ed25519" in arguments:  # for the tests: check the fallback even where cryptography is installed
        arguments.remove("--pure-python-ed25519")
        from ed25519_rfc8032 import verify as ed25519_verify

        ED25519_IMPLEMENTATION = "pure Python (RFC 8032)"
    default_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "vectors.json")
    sys.exit(0 if check_vectors(arguments[0] if arguments else default_path) else 1)
