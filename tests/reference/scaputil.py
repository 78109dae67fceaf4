#!/usr/bin/env python3
"""Small helpers for the reference-agreement harness (bpfdig).

  scaputil.py raw2tsv FIELD...        stdin: sysdig -p output, values separated by
                                      0x1f, records ended by 0x1e + newline;
                                      stdout: TSV with a header line.
  scaputil.py strip-shb-options IN OUT
                                      copy a (possibly gzip'ed) scap file, dropping the
                                      options (comments) of its section header block so
                                      that sysdig 0.29 (which refuses SHB options) can
                                      read it. Output is uncompressed.

TSV escaping: backslash -> \\\\, tab -> \\t, newline -> \\n, CR -> \\r.
"""
import gzip
import struct
import sys

SEP = b"\x1f"
EOR = b"\x1e\n"


def tsv_escape(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def tsv_unescape(s):
    if "\\" not in s:
        return s
    out = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n:
            d = s[i + 1]
            out.append({"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}.get(d, "\\" + d))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def raw2tsv(fields):
    data = sys.stdin.buffer.read()
    out = sys.stdout
    out.write("\t".join(fields) + "\n")
    if not data:
        return 0
    recs = data.split(EOR)
    bad = 0
    if recs and recs[-1] == b"":
        recs.pop()
    for rec in recs:
        vals = rec.split(SEP)
        if len(vals) != len(fields):
            bad += 1
            continue
        out.write("\t".join(tsv_escape(v.decode("utf-8", "backslashreplace"))
                            for v in vals) + "\n")
    if bad:
        sys.stderr.write("raw2tsv: %d malformed records skipped\n" % bad)
        return 1
    return 0


def strip_shb_options(src, dst):
    with open(src, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(src, "rb") as f:
        data = f.read()
    btype, blen = struct.unpack_from("<II", data, 0)
    if btype != 0x0A0D0D0A:
        raise SystemExit("strip-shb-options: %s: not a scap/pcapng file" % src)
    body = data[8:8 + 16]
    new_shb = struct.pack("<II", btype, 28) + body + struct.pack("<I", 28)
    with open(dst, "wb") as f:
        f.write(new_shb)
        f.write(data[blen:])
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "raw2tsv":
        return raw2tsv(argv[2:])
    if len(argv) == 4 and argv[1] == "strip-shb-options":
        return strip_shb_options(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
