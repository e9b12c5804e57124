#!/usr/bin/env python3
"""An independent digest implementation (RFC 7616), for test-sip-digest.

Written from the RFC alone with Python's hashlib, so that an error in the C
library is not repeated here. Reads one JSON object per line on stdin:
  {"algorithm": "SHA-512-256-sess", "username": ..., "realm": ...,
   "password": ..., "nonce": ..., "cnonce": ..., "nc": "00000001",
   "qop": "auth" | "auth-int" | "", "method": ..., "uri": ...,
   "body": hex, "userhash": bool}
and prints one JSON object per line: {"response": hex, "username": hex or
the name}.
"""
import hashlib
import json
import sys

HASHES = {
    "MD5": lambda data: hashlib.md5(data).hexdigest(),
    "SHA-256": lambda data: hashlib.sha256(data).hexdigest(),
    # SHA-512/256 of FIPS 180-4: its own initial values, not SHA-512 cut short.
    "SHA-512-256": lambda data: hashlib.new("sha512_256", data).hexdigest(),
}


def h(name, *parts):
    return HASHES[name](":".join(parts).encode("utf-8"))


def answer(case):
    algorithm = case["algorithm"]
    sess = algorithm.upper().endswith("-SESS")
    name = algorithm[: -len("-sess")] if sess else algorithm
    ha1 = h(name, case["username"], case["realm"], case["password"])
    if sess:
        ha1 = h(name, ha1, case["nonce"], case["cnonce"])
    if case["qop"] == "auth-int":
        body_hash = HASHES[name](bytes.fromhex(case["body"]))
        ha2 = h(name, case["method"], case["uri"], body_hash)
    else:
        ha2 = h(name, case["method"], case["uri"])
    if case["qop"]:
        response = h(name, ha1, case["nonce"], case["nc"], case["cnonce"], case["qop"], ha2)
    else:
        response = h(name, ha1, case["nonce"], ha2)
    username = case["username"]
    if case.get("userhash"):
        username = h(name, case["username"], case["realm"])
    return {"response": response, "username": username}


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
