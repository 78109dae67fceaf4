#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare the "Sysdig Event" subtrees of two `tshark -V` outputs.

  sysdig_subtree.py WITHOUT_PLUGIN.txt WITH_PLUGIN.txt

Frames are matched by position. In the run with the plugin, a frame whose
frame length equals its captured length carries coalesced metadata blocks
(see dissector/scap_record.h): there the "Event length" item shows the
record length by design, so that one line is left out of the comparison.
Prints a summary; exit status 1 if any other line differs.
"""
import re
import sys


def frames(path):
    """Per frame: (len == caplen, list of lines of the Sysdig Event subtree)."""
    out = []
    cur = None
    in_tree = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith(" "):
                in_tree = line == "Sysdig Event"
                if re.match(r"^(Frame|Sysdig Event|System Call) \d+: ", line):
                    cur = {"len": None, "cap": None, "tree": []}
                    out.append(cur)
                    in_tree = False
            if cur is None:
                continue
            m = re.match(r"^    Frame Length: (\d+) ", line)
            if m:
                cur["len"] = int(m.group(1))
            m = re.match(r"^    Capture Length: (\d+) ", line)
            if m:
                cur["cap"] = int(m.group(1))
            if in_tree and line:
                cur["tree"].append(line)
    return out


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    base, ours = frames(argv[1]), frames(argv[2])
    if len(base) != len(ours):
        print("frame count differs: %d vs %d" % (len(base), len(ours)))
        return 1
    coalesced = bad = 0
    for i, (a, b) in enumerate(zip(base, ours), 1):
        ta, tb = a["tree"], b["tree"]
        if b["len"] is not None and b["len"] == b["cap"]:
            coalesced += 1
            ta = [x for x in ta if not x.startswith("    Event length: ")]
            tb = [x for x in tb if not x.startswith("    Event length: ")]
        if not ta or ta != tb:
            bad += 1
            if bad <= 3:
                print("frame %d differs:\n  %s\n  %s" % (i, ta[:6], tb[:6]))
    print("%d frames, %d with coalesced blocks, %d differing" % (len(base), coalesced, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
