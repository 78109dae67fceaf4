#!/usr/bin/env python3
"""Fake "ours" dump for testing the harness itself (not a test of bpfdig).

Usage: selftest-ours.py BUILD_DIR FILE
Builds a tshark-like dump (header, 0x1f separators, absent = empty) from the cached
reference TSVs of FILE: the sysdig 0.41 rows plus 0.29's enter rows (as our dissector
also shows enter events), in timestamp order.
Env: SELFTEST_MUTATE=FIELD:N   replace FIELD by "bogus" on the first N 0.41 rows
     SELFTEST_DROP=N           leave out the first N 0.41 rows (=> unaligned events)
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402


def main():
    build, path = sys.argv[1], sys.argv[2]
    out = subprocess.run([os.path.join(HERE, "sysdig-dump.sh"), "-q", build, path],
                         check=True, capture_output=True, text=True).stdout
    _, p41, p29 = out.rstrip("\n").split("\t")
    if p41 == "-":
        sys.exit("no cached 0.41 dump for " + path)
    _, r41 = compare.read_ref_tsv(p41)
    r29 = compare.read_ref_tsv(p29)[1] if p29 != "-" else []
    fields = compare.KEY_FIELDS + compare.CMP_FIELDS
    mut = os.environ.get("SELFTEST_MUTATE")
    if mut:
        mf, mn = mut.split(":")
        for r in r41[:int(mn)]:
            r[mf] = "bogus"
    r41 = r41[int(os.environ.get("SELFTEST_DROP", "0")):]
    rows = r41 + [r for r in r29 if r.get("evt.dir") == ">" and r.get("evt.type") not in
                  ("switch", "procexit", "signaldeliver", "container")]
    rows.sort(key=lambda r: int(r["evt.rawtime"]))
    w = sys.stdout.write
    w("\x1f".join(fields) + "\n")
    for r in rows:
        vals = []
        for f in fields:
            v = r.get(f, "")
            if v == "<NA>":
                v = ""
            vals.append(v.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t"))
        w("\x1f".join(vals) + "\n")


if __name__ == "__main__":
    main()
