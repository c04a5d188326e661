"""Keys, a JWKS and signed JWTs for the OIDC plugin tests.

    python3 mint.py keys DIR          make the keys and DIR/jwks.json, DIR/jwks-rotated.json
    python3 mint.py token DIR SPEC    print one compact JWS; SPEC is JSON, see mint()
    python3 mint.py selftest DIR      make keys, mint and verify every algorithm, print "ok"

Tokens are signed with the openssl CLI by default, and independently with PyJWT on request, so a
verifier under test is not checked only against the library that made its test vectors. The
attack tokens (alg "none", HS256 keyed with the RSA public key, tampered payloads) are made by
hand, since PyJWT refuses to make them. PyJWT is imported only where used: the openssl path
needs just `cryptography` (for exporting public keys).
"""
import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

GENPKEY = {  # key file stem -> openssl genpkey options
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "rsa2": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "ec256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "ec384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    "ec521": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    "ed25519": ["-algorithm", "ED25519"],
    "enc": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
}
REAL_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
DEFAULT_KEY = {"ES256": "ec256", "ES384": "ec384", "ES512": "ec521", "EdDSA": "ed25519"}  # else rsa
EC_SIZE = {"ES256": 32, "ES384": 48, "ES512": 66}  # JOSE r and s length: the curve's byte length


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_int(n, size=None):
    return b64u(n.to_bytes(size or (n.bit_length() + 7) // 8, "big"))


def load(dir, stem):
    with open(os.path.join(dir, stem + ".pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def public_jwk(dir, stem, kid, **extra):
    public = load(dir, stem).public_key()
    if isinstance(public, rsa.RSAPublicKey):
        nums = public.public_numbers()
        jwk = {"kty": "RSA", "n": b64u_int(nums.n), "e": b64u_int(nums.e)}
    elif isinstance(public, ec.EllipticCurvePublicKey):
        nums, size = public.public_numbers(), (public.curve.key_size + 7) // 8
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[public.curve.name]
        jwk = {"kty": "EC", "crv": crv, "x": b64u_int(nums.x, size), "y": b64u_int(nums.y, size)}
    else:
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw)}
    return {"kid": kid, **jwk, **extra}


def make_keys(dir):
    os.makedirs(dir, exist_ok=True)
    for stem, options in GENPKEY.items():
        out = os.path.join(dir, stem + ".pem")
        subprocess.run(["openssl", "genpkey", "-quiet", *options, "-out", out], check=True)
    keys = [public_jwk(dir, "rsa", "rsa", use="sig", alg="RS256")]
    # The same key without an alg binding, for the other RSA algorithms.
    keys.append(public_jwk(dir, "rsa", "rsa-any", use="sig"))
    keys += [public_jwk(dir, stem, stem) for stem in ("ec256", "ec384", "ec521", "ed25519")]
    keys.append(public_jwk(dir, "enc", "enc", use="enc"))
    # The signing key itself, but published for encryption only: a verifier must not use it.
    keys.append(public_jwk(dir, "rsa", "noverify", key_ops=["encrypt"]))
    rotated = keys + [public_jwk(dir, "rsa2", "rsa2", use="sig")]
    for name, jwks in (("jwks.json", keys), ("jwks-rotated.json", rotated)):
        with open(os.path.join(dir, name), "w") as f:
            json.dump({"keys": jwks}, f, indent=1)


def der_to_raw(der, size):
    # openssl gives ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } in DER; JOSE wants the
    # bare r||s, each left-padded to the curve size. Parsed by hand so that it does not share
    # code with PyJWT's conversion, which the selftest uses to check this one.
    assert der[0] == 0x30
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)  # P-521 needs the long length form
    raw = b""
    for _ in range(2):
        assert der[i] == 0x02
        length = der[i + 1]
        raw += int.from_bytes(der[i + 2:i + 2 + length], "big").to_bytes(size, "big")
        i += 2 + length
    return raw


def openssl_sign(alg, key_file, data):
    if alg == "EdDSA":
        with tempfile.NamedTemporaryFile() as f:  # pkeyutl -rawin reads its input from a file
            f.write(data)
            f.flush()
            command = ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key_file, "-in", f.name]
            return subprocess.run(command, check=True, capture_output=True).stdout
    command = ["openssl", "dgst", "-sha" + alg[2:], "-binary", "-sign", key_file]
    if alg.startswith("PS"):
        command += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
    signature = subprocess.run(command, input=data, check=True, capture_output=True).stdout
    return der_to_raw(signature, EC_SIZE[alg]) if alg.startswith("ES") else signature


def tamper(token):
    # Flip one payload character near the middle, choosing one whose flip still decodes to a JSON
    # object: the token must fail on its signature alone, not on a garbled payload.
    header, payload, signature = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    original, middle = base64.urlsafe_b64decode(payload + "=="), len(payload) // 2
    for i in sorted(range(len(payload)), key=lambda i: abs(i - middle)):
        changed = payload[:i] + alphabet[alphabet.index(payload[i]) ^ 1] + payload[i + 1:]
        decoded = base64.urlsafe_b64decode(changed + "==")
        try:
            if decoded != original and isinstance(json.loads(decoded), dict):
                return ".".join((header, changed, signature))
        except ValueError:
            pass
    raise SystemExit("no payload character can be flipped cleanly")


def mint(dir, spec):
    """SPEC: alg (required), key (file stem), kid (default: key; null omits it), header (merged into
    the JOSE header; a null value removes that field), claims (payload; "now+N"/"now-N" strings
    become int(time.time()) +/- N), signer ("openssl" or "pyjwt"), tamper (true: bad signature)."""
    alg = spec["alg"]
    stem = spec.get("key", DEFAULT_KEY.get(alg, "rsa"))
    header = {"alg": alg, "typ": "JWT", "kid": spec.get("kid", stem), **spec.get("header", {})}
    header = {name: value for name, value in header.items() if value is not None}
    now = int(time.time())
    claims = {}
    for name, value in spec.get("claims", {}).items():
        match = re.fullmatch(r"now([+-])(\d+)", value) if isinstance(value, str) else None
        claims[name] = now + int(match[2]) * (1 if match[1] == "+" else -1) if match else value

    if spec.get("signer", "openssl") == "pyjwt" and alg in REAL_ALGS:
        import jwt
        token = jwt.encode(claims, load(dir, stem), algorithm=alg,
                           headers={k: v for k, v in header.items() if k != "alg"})
    else:
        # Header keys sorted and compact JSON, as PyJWT does: the selftest can then require that
        # the deterministic algorithms give byte-identical tokens from both signers.
        signing_input = (b64u(json.dumps(header, separators=(",", ":"), sort_keys=True).encode()) + "."
                         + b64u(json.dumps(claims, separators=(",", ":")).encode()))
        if alg == "none":
            signature = b""
        elif alg == "HS256":
            # Key confusion: a verifier that takes the key's alg from the token would use the
            # RSA public key, as PEM text, as an HMAC secret.
            secret = load(dir, stem).public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        else:
            signature = openssl_sign(alg, os.path.join(dir, stem + ".pem"), signing_input.encode())
        token = signing_input + "." + b64u(signature)
    return tamper(token) if spec.get("tamper") else token


def selftest(dir):
    import jwt
    make_keys(dir)
    with open(os.path.join(dir, "jwks.json")) as f:
        jwks = {jwk["kid"]: jwk for jwk in json.load(f)["keys"]}
    claims = {"iss": "https://localhost/realms/test", "aud": "selftest", "sub": "s",
              "exp": "now+300", "iat": "now-0"}
    for alg in REAL_ALGS:
        tokens = {signer: mint(dir, {"alg": alg, "claims": claims, "signer": signer})
                  for signer in ("openssl", "pyjwt")}
        for signer, token in tokens.items():
            key = jwt.PyJWK(jwks[jwt.get_unverified_header(token)["kid"]], alg).key
            decoded = jwt.decode(token, key, algorithms=[alg], audience="selftest")
            assert decoded["sub"] == "s" and decoded["exp"] - decoded["iat"] == 300, (alg, signer)
        if alg.startswith("RS") or alg == "EdDSA":  # deterministic: both signers must agree exactly
            assert tokens["openssl"] == tokens["pyjwt"], alg
    bad = mint(dir, {"alg": "ES512", "claims": claims, "tamper": True})
    try:
        jwt.decode(bad, jwt.PyJWK(jwks["ec521"]).key, algorithms=["ES512"], audience="selftest")
        raise SystemExit("a tampered token verified")
    except jwt.InvalidSignatureError:
        pass
    print("ok")


if __name__ == "__main__":
    command, dir = sys.argv[1], sys.argv[2]
    if command == "keys":
        make_keys(dir)
    elif command == "token":
        print(mint(dir, json.loads(sys.argv[3])))
    elif command == "selftest":
        selftest(dir)
    else:
        raise SystemExit(__doc__)
