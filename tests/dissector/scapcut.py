#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build small .scap variants for the dissector tests (plain or gzip'ed input).

  scapcut.py statehead IN OUT   the blocks before the first event only (a capture
                                without events: its state arrives in a state-only record)
  scapcut.py twice IN OUT       IN twice in a row: two sections, the second one
                                starting with its own section header
  scapcut.py labels IN OUT JSON the container events (CONTAINER_JSON 272/324) whose
                                "labels" is an object get JSON (an object) as their
                                labels instead; the rest is copied unchanged
"""
import gzip
import json
import struct
import sys

EVENTS = {0x204, 0x208, 0x216, 0x217, 0x221, 0x222, 0x8010ABCD}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def first_event_offset(data):
    off = 0
    while off + 12 <= len(data):
        btype, total = struct.unpack_from("<II", data, off)
        if total < 12 or total % 4 or off + total > len(data):
            raise ValueError("bad block framing at %d" % off)
        if btype in EVENTS:
            return off
        off += total
    return len(data)


CONTAINER_EVENTS = {272: 2, 324: 4}  # event type -> size of its parameter length


def relabel_block(data, off, total, labels):
    """The block at off with its container JSON's labels replaced, or None."""
    btype = struct.unpack_from("<I", data, off)[0]
    if btype not in (0x216, 0x221):
        return None
    ev = off + 10  # block header, u16 cpu id
    ts, tid, elen, etype, nparams = struct.unpack_from("<QQIHI", data, ev)
    lsize = CONTAINER_EVENTS.get(etype)
    if lsize is None or nparams != 1 or (lsize == 4) != (btype == 0x221):
        return None
    plen = struct.unpack_from("<H" if lsize == 2 else "<I", data, ev + 26)[0]
    param = data[ev + 26 + lsize:ev + 26 + lsize + plen]
    doc = json.loads(param.rstrip(b"\0").decode())
    if not isinstance(doc.get("container", {}).get("labels"), dict):
        return None
    doc["container"]["labels"] = labels
    param = json.dumps(doc, separators=(",", ":")).encode() + b"\0"
    event = struct.pack("<QQIHI", ts, tid, 26 + lsize + len(param), etype, 1)
    event += struct.pack("<H" if lsize == 2 else "<I", len(param)) + param
    body = data[off + 8:off + 10] + event
    body += b"\0" * (-len(body) % 4)
    size = 12 + len(body)
    return struct.pack("<II", btype, size) + body + struct.pack("<I", size)


def relabel(data, labels):
    out, off, changed = bytearray(), 0, 0
    while off + 12 <= len(data):
        total = struct.unpack_from("<I", data, off + 4)[0]
        if total < 12 or total % 4 or off + total > len(data):
            raise ValueError("bad block framing at %d" % off)
        block = relabel_block(data, off, total, labels)
        changed += block is not None
        out += block if block is not None else data[off:off + total]
        off += total
    if not changed:
        raise ValueError("no container event with labels")
    return bytes(out + data[off:])


def main(argv):
    if len(argv) == 5 and argv[1] == "labels":
        out = relabel(load(argv[2]), json.loads(argv[4]))
        with open(argv[3], "wb") as f:
            f.write(out)
        return 0
    if len(argv) != 4 or argv[1] not in ("statehead", "twice"):
        sys.stderr.write(__doc__)
        return 2
    data = load(argv[2])
    if argv[1] == "statehead":
        out = data[:first_event_offset(data)]
    else:
        out = data + data
    with open(argv[3], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
