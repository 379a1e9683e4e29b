"""Ed25519 signature verification in pure Python (standard library only).

The verification half of the reference implementation in RFC 8032, section 6 (Simplified BSD License, as an
IETF code component). Use it only where no library can be installed: the `cryptography` package is faster
(under half a millisecond per signature, against 4 to 14 ms for this code on a busy 2-core machine).
A verifier handles only public data, so it needs no constant-time code.
"""
import hashlib

p = 2**255 - 19
q = 2**252 + 27742317777372353535851937790883648493  # order of the base point
d = -121665 * pow(121666, p - 2, p) % p
sqrt_m1 = pow(2, (p - 1) // 4, p)


def _add(P, Q):  # extended homogeneous coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, x*y = T/Z
    A = (P[1] - P[0]) * (Q[1] - Q[0]) % p
    B = (P[1] + P[0]) * (Q[1] + Q[0]) % p
    C = 2 * P[3] * Q[3] * d % p
    D = 2 * P[2] * Q[2] % p
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % p, G * H % p, F * G % p, E * H % p)


def _multiply(s, P):
    Q = (0, 1, 1, 0)  # the neutral element
    while s > 0:
        if s & 1:
            Q = _add(Q, P)
        P = _add(P, P)
        s >>= 1
    return Q


def _equal(P, Q):
    return (P[0] * Q[2] - Q[0] * P[2]) % p == 0 and (P[1] * Q[2] - Q[1] * P[2]) % p == 0


def _recover_x(y, sign):
    if y >= p:
        return None
    x2 = (y * y - 1) * pow(d * y * y + 1, p - 2, p)
    if x2 % p == 0:
        return None if sign else 0
    x = pow(x2, (p + 3) // 8, p)
    if (x * x - x2) % p != 0:
        x = x * sqrt_m1 % p
    if (x * x - x2) % p != 0:
        return None
    if (x & 1) != sign:
        x = p - x
    return x


def _decompress(encoded):
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % p)


_g_y = 4 * pow(5, p - 2, p) % p
_G = (_recover_x(_g_y, 0), _g_y, 1, _recover_x(_g_y, 0) * _g_y % p)


def verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """True when `signature` (64 bytes) is the ed25519 signature of `message` by `public_key` (32 bytes)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    A = _decompress(public_key)
    R = _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if A is None or R is None or s >= q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % q
    return _equal(_multiply(s, _G), _add(R, _multiply(h, A)))
