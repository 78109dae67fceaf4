#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build small .scap variants for the dissector tests (plain or gzip'ed input).

  scapcut.py statehead IN OUT   the blocks before the first event only (a capture
                                without events: its state arrives in a state-only record)
  scapcut.py twice IN OUT       IN twice in a row: two sections, the second one
                                starting with its own section header
"""
import gzip
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


def main(argv):
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
