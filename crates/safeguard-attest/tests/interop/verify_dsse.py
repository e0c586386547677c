"""Independent DSSE / in-toto client for crates/safeguard-attest/tests/interop_python.rs.

Uses securesystemslib (its DSSE Envelope, SSlibKey and CryptoSigner) and pyca/cryptography,
never Safeguard's code, so the test checks our envelopes against a second implementation.

    verify_dsse.py probe
        exit 0 when securesystemslib and cryptography import.
    verify_dsse.py verify ENVELOPE.json PUBLIC_KEY.pem
        verify the envelope with the key (threshold 1), then print one JSON line:
        {"keyid", "payloadType", "paeSha256", "_type", "predicateType", "subjects"}.
        Exit 3 when the signature does not verify.
    verify_dsse.py sign ed25519|ecdsa-p256 PAYLOAD_TYPE PAYLOAD_FILE
        generate a key, sign the payload as a DSSE envelope, and print one JSON line:
        {"envelope": <envelope object>, "publicKeyPem": "...", "keyid": "..."}.

Exit codes: 0 ok, 2 usage or bad input, 3 verification failed.
"""

import hashlib
import json
import sys

EXIT_USAGE = 2
EXIT_UNVERIFIED = 3


def fail(code, message):
    print(message, file=sys.stderr)
    sys.exit(code)


def spki_keyid(public_key):
    """Safeguard's key id convention: sha256 of the DER SubjectPublicKeyInfo, lowercase hex."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    der = public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def verify(envelope_path, pem_path):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    from securesystemslib.dsse import Envelope
    from securesystemslib.exceptions import VerificationError
    from securesystemslib.signer import SSlibKey

    with open(pem_path, "rb") as f:
        public_key = load_pem_public_key(f.read())
    # securesystemslib only tries keys whose id equals the signature's keyid, so the key must
    # carry the id Safeguard puts in its envelopes; compute it here from the key itself.
    keyid = spki_keyid(public_key)
    key = SSlibKey.from_crypto(public_key, keyid=keyid)

    with open(envelope_path, "rb") as f:
        data = json.load(f)
    try:
        envelope = Envelope.from_dict(data)
    except (KeyError, ValueError, TypeError) as e:
        fail(EXIT_USAGE, f"{envelope_path}: not a DSSE envelope: {e!r}")
    try:
        accepted = envelope.verify([key], 1)
    except VerificationError as e:
        fail(EXIT_UNVERIFIED, f"{envelope_path}: signature did not verify: {e}")
    if keyid not in accepted:
        fail(EXIT_UNVERIFIED, f"{envelope_path}: key {keyid} not among accepted keys")

    statement = json.loads(envelope.payload)
    print(
        json.dumps(
            {
                "keyid": keyid,
                "scheme": key.scheme,
                "payloadType": envelope.payload_type,
                "paeSha256": hashlib.sha256(envelope.pae()).hexdigest(),
                "_type": statement["_type"],
                "predicateType": statement["predicateType"],
                "subjects": [
                    {"name": s.get("name"), "digest": s["digest"]}
                    for s in statement["subject"]
                ],
                "builderId": statement["predicate"]["runDetails"]["builder"]["id"],
            }
        )
    )


def sign(alg, payload_type, payload_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_public_key,
    )
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import CryptoSigner

    if alg == "ed25519":
        signer = CryptoSigner.generate_ed25519()
    elif alg == "ecdsa-p256":
        signer = CryptoSigner.generate_ecdsa(scheme="ecdsa-sha2-nistp256")
    else:
        fail(EXIT_USAGE, f"unknown algorithm {alg!r}; expected ed25519 or ecdsa-p256")
    with open(payload_path, "rb") as f:
        payload = f.read()
    envelope = Envelope(payload=payload, payload_type=payload_type, signatures={})
    envelope.sign(signer)
    # The verifier is given the signer's public key as an SPKI PEM, rebuilt from securesystemslib's
    # key record: ed25519 keys hold the raw 32-byte point in hex, ecdsa keys hold a PEM already.
    sslib_key = signer.public_key
    if sslib_key.keytype == "ed25519":
        public_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(sslib_key.keyval["public"]))
    else:
        public_key = load_pem_public_key(sslib_key.keyval["public"].encode())
    pem = public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    print(
        json.dumps(
            {
                "envelope": envelope.to_dict(),
                "publicKeyPem": pem,
                "keyid": signer.public_key.keyid,
                "paeSha256": hashlib.sha256(envelope.pae()).hexdigest(),
            }
        )
    )


def main(argv):
    if len(argv) >= 1 and argv[0] == "probe":
        import cryptography  # noqa: F401
        import securesystemslib.dsse  # noqa: F401
        import securesystemslib.signer  # noqa: F401

        print("probe ok")
    elif len(argv) == 3 and argv[0] == "verify":
        verify(argv[1], argv[2])
    elif len(argv) == 4 and argv[0] == "sign":
        sign(argv[1], argv[2], argv[3])
    else:
        fail(EXIT_USAGE, __doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
