#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Small .scap helpers for the plugin tests (plain or gzip'ed input).

  scapscan.py count FILE          print "events=N others=M shb=MAJOR.MINOR"
  scapscan.py normalise IN OUT    write IN uncompressed with every section header
                                  replaced by the 28-byte SHB 1.2 without options
                                  that the "scap" writer produces
  scapscan.py mutate IN OUTDIR N  write N damaged copies of IN (uncompressed):
                                  cut at various offsets, bytes flipped, lengths
                                  set to absurd values (deterministic)
  scapscan.py synth OUTDIR        write small synthetic files covering what the
                                  corpus lacks (EVF and LARGE event blocks, legacy
                                  _INT ids, several sections, metadata after the
                                  last event, no events, a malformed event length)
"""
import gzip
import os
import random
import struct
import sys

SHB = 0x0A0D0D0A
MAGIC = 0x1A2B3C4D
EVENTS = {0x204, 0x208, 0x216, 0x217, 0x221, 0x222, 0x8010ABCD}
SHB_12 = struct.pack("<IIIHHqI", SHB, 28, MAGIC, 1, 2, -1, 28)


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def blocks(data):
    """Yield (offset, type, total_len); raise ValueError on bad framing."""
    off = 0
    while off < len(data):
        if off + 12 > len(data):
            raise ValueError("truncated block header at %d" % off)
        btype, total = struct.unpack_from("<II", data, off)
        if total < 12 or total % 4 or off + total > len(data):
            raise ValueError("bad block length %d at %d" % (total, off))
        yield off, btype, total
        off += total


def cmd_count(path):
    data = load(path)
    events = others = 0
    shb = "?"
    for off, btype, _ in blocks(data):
        if btype == SHB:
            if off == 0:
                major, minor = struct.unpack_from("<HH", data, 12)
                shb = "%d.%d" % (major, minor)
            else:
                others += 1
        elif btype in EVENTS:
            events += 1
        else:
            others += 1
    print("events=%d others=%d shb=%s" % (events, others, shb))


def cmd_normalise(src, dst):
    data = load(src)
    out = bytearray()
    for off, btype, total in blocks(data):
        out += SHB_12 if btype == SHB else data[off:off + total]
    with open(dst, "wb") as f:
        f.write(out)


def mutations(data, n):
    """Yield (name, bytes) damaged variants."""
    rnd = random.Random(0x5CA9)
    offs = [off for off, _, _ in blocks(data)]
    cuts = set(range(0, min(len(data), 64)))
    cuts.update(o + d for o in offs[:40] for d in (1, 4, 7, 8, 11, 20))
    cuts.update(rnd.randrange(len(data)) for _ in range(n))
    for c in sorted(cuts)[:n]:
        yield "cut%d" % c, data[:c]
    for i in range(n):
        pos = rnd.randrange(len(data))
        mutated = bytearray(data)
        mutated[pos] ^= 1 << rnd.randrange(8)
        yield "flip%d_%d" % (i, pos), bytes(mutated)
    for i, off in enumerate(offs[: n // 4]):
        for val in (0, 3, 13, 0x7FFFFFFC, 0xFFFFFFFF, 262148):
            mutated = bytearray(data)
            struct.pack_into("<I", mutated, off + 4, val)
            yield "len%d_%d" % (off, val), bytes(mutated)


def cmd_mutate(src, outdir, n):
    data = load(src)
    os.makedirs(outdir, exist_ok=True)
    count = 0
    for name, blob in mutations(data, n):
        with open(os.path.join(outdir, name + ".scap"), "wb") as f:
            f.write(blob)
        count += 1
    print(count)


def block(btype, body):
    pad = (4 - len(body) % 4) % 4
    total = 12 + len(body) + pad
    return struct.pack("<II", btype, total) + body + b"\0" * pad + struct.pack("<I", total)


def shb(minor):
    return block(SHB, struct.pack("<IHHq", MAGIC, 1, minor, -1))


def machine_info(host):
    name = host.encode().ljust(128, b"\0")
    return block(0x201, struct.pack("<IQQ", 2, 1 << 30, 32768) + name + struct.pack("<QQQQ", 0, 0, 0, 0))


TS0 = 1700000000123456789


def event(btype, seq, etype, params, flags=None, tid=4242, evlen=None):
    """An event block; params is a list of bytes values."""
    large = btype in (0x221, 0x222)
    v2 = btype in (0x216, 0x217, 0x221, 0x222)
    lens = b"".join(struct.pack("<I" if large else "<H", len(p)) for p in params)
    hdr_len = 26 if v2 else 22
    length = hdr_len + len(lens) + sum(len(p) for p in params)
    hdr = struct.pack("<QqIH", TS0 + seq * 1000, tid, length if evlen is None else evlen, etype)
    if v2:
        hdr += struct.pack("<I", len(params))
    body = struct.pack("<H", seq % 4)
    if flags is not None:
        body += struct.pack("<I", flags)
    return block(btype, body + hdr + lens + b"".join(params))


def close_x(btype, seq, fd, flags=None):
    return event(btype, seq, 5, [struct.pack("<q", 0), struct.pack("<q", fd)], flags)


def container(btype, seq, flags=None):
    return event(btype, seq, 324, [b'{"container":{"id":"abc"}}\0'], flags)


def lstr(text):
    raw = text.encode()
    return struct.pack("<H", len(raw)) + raw


def user_entry(uid, name):
    return struct.pack("<BII", 0, uid, uid) + lstr(name) + lstr("/home/" + name) + lstr("/bin/sh")


def user_list(v2, *names):
    body = b""
    for uid, name in enumerate(names, 1000):
        entry = user_entry(uid, name)
        body += struct.pack("<I", len(entry) + 4) + entry if v2 else entry
    return block(0x220 if v2 else 0x8012ABCD, body)


def iface_list(name):
    entry = struct.pack("<HHIIIQ", 1, len(name), 0x0100007F, 0xFF, 0, 0) + name.encode()
    return block(0x219, struct.pack("<I", len(entry)) + entry)


def fd_list(tid):
    return block(0x218, struct.pack("<Q", tid))  # a thread without fds


SYNTH = {
    # EVF / EV_V2_LARGE / EVF_V2_LARGE / EVF (V1): frames 1, 3, 5 carry a trailer.
    "evf": lambda: shb(2) + machine_info("evf") + close_x(0x217, 1, 11, flags=1)
    + close_x(0x216, 2, 12) + event(0x208, 3, 4, [struct.pack("<q", 13)], flags=1)
    + container(0x221, 4) + container(0x222, 5, flags=0),
    # Three sections; metadata blocks after the last event.
    "sections": lambda: shb(2) + machine_info("one") + iface_list("lo")
    + close_x(0x216, 1, 21) + close_x(0x216, 2, 22) + shb(0) + machine_info("two")
    + close_x(0x216, 3, 23) + shb(1) + close_x(0x216, 4, 24) + fd_list(4242)
    + user_list(True, "late"),
    # Metadata only.
    "noevents": lambda: shb(2) + machine_info("none") + user_list(True, "alice", "bob"),
    # SHB 1.0, legacy _INT ids, an unknown block before the events.
    "legacy": lambda: shb(0) + user_list(False, "old") + block(0x1234, b"?" * 4)
    + event(0x8010ABCD, 1, 4, [struct.pack("<q", 31)])
    + event(0x8010ABCD, 2, 4, [struct.pack("<q", 32)]),
    # An event whose header length is smaller than its data.
    "badlen": lambda: shb(2) + event(0x216, 1, 5, [struct.pack("<q", 0), struct.pack("<q", 41)],
                                     evlen=3) + close_x(0x216, 2, 42),
}


def cmd_synth(outdir):
    os.makedirs(outdir, exist_ok=True)
    for name, make in SYNTH.items():
        with open(os.path.join(outdir, name + ".scap"), "wb") as f:
            f.write(make())
    print(" ".join(sorted(SYNTH)))


def main(argv):
    if len(argv) == 3 and argv[1] == "count":
        cmd_count(argv[2])
    elif len(argv) == 4 and argv[1] == "normalise":
        cmd_normalise(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "mutate":
        cmd_mutate(argv[2], argv[3], int(argv[4]))
    elif len(argv) == 3 and argv[1] == "synth":
        cmd_synth(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
