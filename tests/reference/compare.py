#!/usr/bin/env python3
"""Reference-agreement comparison for bpfdig (see tests/reference/README.md).

Input: an INDEX file, one line per capture file, tab-separated:
    NAME  REF041_TSV  REF029_TSV  [OURS_DUMP]
("-" for a dump that is unavailable). The reference TSVs come from sysdig-dump.sh;
OURS_DUMP is `tshark -T fields -E header=y -E separator=/u001f -e evt.rawtime
-e thread.tid -e evt.type -e evt.dir -e FIELD...` output (a header line of field names
is recommended; without one the columns must be the key fields followed by the
compared fields, in the order of fields.sh).

Events are aligned by (evt.rawtime, thread.tid, evt.type, evt.dir); several events with
the same key are paired in file order. Every sysdig 0.41 event must align with one of
ours; our extra events (enter events that 0.41 drops, internal events) are ignored.
A field agrees when our value equals sysdig 0.41's value or sysdig 0.29's value for the
same event, after normalisation (see normalise()).

Modes:
  compare.py INDEX               ours vs references; exit 1 if any field of any file is
                                 below --threshold %% or any 0.41 event is unaligned
  compare.py --refs-only INDEX   sysdig 0.29 vs sysdig 0.41 (informational; exit 0)
"""
import argparse
import collections
import ipaddress
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_field_lists():
    lists = {}
    with open(os.path.join(HERE, "fields.sh")) as f:
        for line in f:
            m = re.match(r'^(REF_[A-Z0-9_]+)="(.*)"\s*$', line)
            if m:
                lists[m.group(1)] = m.group(2).split()
    return lists


FL = load_field_lists()
KEY_FIELDS = FL["REF_KEY_FIELDS"]
CMP_FIELDS = FL["REF_CMP_FIELDS"]

IP_FIELDS = {"fd.sip", "fd.cip", "fd.lip", "fd.rip"}
INT_FIELDS = {"proc.pid", "proc.ppid", "fd.num", "user.uid", "fd.sport", "fd.cport",
              "fd.lport", "fd.rport", "thread.tid", "thread.vtid", "proc.vpid",
              "proc.sid", "proc.tty", "evt.rawres", "evt.cpu", "group.gid", "evt.num"}
BOOL_FIELDS = {"fd.is_server", "evt.failed"}
MISSING = {"", "<NA>", "(null)"}


def unescape(s):
    """Undo the backslash escapes of our TSVs and of tshark -E escape=y."""
    if "\\" not in s:
        return s
    out = []
    i, n = 0, len(s)
    simple = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "\"": "\"",
              "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n:
            d = s[i + 1]
            if d in simple:
                out.append(simple[d])
                i += 2
                continue
            if d == "x" and re.match(r"[0-9a-fA-F]{2}", s[i + 2:i + 4]):
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
        out.append(c)
        i += 1
    return "".join(out)


def normalise(field, v):
    """Map representation-only differences to one form.

    * "<NA>" (sysdig: field not available), "(null)" and "" (tshark: field absent or
      empty) are the same value: "".
    * integers: decimal without leading zeros/plus sign.
    * IP addresses: ipaddress canonical form; IPv4-mapped IPv6 shown as IPv4.
    * booleans: "true"/"false".
    * evt.args: trailing blanks dropped (0.29 prints a trailing space).
    """
    if v is None:
        return ""
    v = v.strip() if field in ("evt.args",) else v
    if v in MISSING:
        return ""
    if field in INT_FIELDS:
        try:
            return str(int(v, 0) if v.lower().startswith("0x") else int(v))
        except ValueError:
            return v
    if field in IP_FIELDS:
        try:
            a = ipaddress.ip_address(v)
            if a.version == 6 and a.ipv4_mapped:
                a = a.ipv4_mapped
            return str(a)
        except ValueError:
            return v
    if field in BOOL_FIELDS:
        lv = v.lower()
        if lv in ("1", "true", "yes"):
            return "true"
        if lv in ("0", "false", "no"):
            return "false"
    return v


def parse_rawtime(v):
    v = v.strip()
    if re.fullmatch(r"\d+", v):
        return int(v)
    m = re.fullmatch(r"(\d+)\.(\d{1,9})", v)
    if m:  # seconds.fraction
        return int(m.group(1)) * 10**9 + int(m.group(2).ljust(9, "0"))
    raise ValueError("unparsable evt.rawtime %r" % v)


def read_ref_tsv(path):
    with open(path, encoding="utf-8", errors="backslashreplace") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = []
        for line in f:
            vals = line.rstrip("\n").split("\t")
            if len(vals) != len(header):
                raise SystemExit("%s: malformed line %r" % (path, line[:120]))
            rows.append({k: unescape(v) for k, v in zip(header, vals)})
    return header, rows


def read_ours(path):
    """Our tshark dump: 0x1f-separated fields, optional header line."""
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "backslashreplace")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = KEY_FIELDS + CMP_FIELDS
    if lines and lines[0].split("\x1f")[0].strip() == "evt.rawtime":
        header = [h.strip() for h in lines[0].split("\x1f")]
        lines = lines[1:]
    if len(header) == 1 and "\\" in header[0]:
        raise SystemExit("%s: fields are not separated by 0x1f (tshark 4.0 takes "
                         "'-E separator=/u001f' as a backslash; pass the raw byte)" % path)
    rows = []
    for ln, line in enumerate(lines, 1):
        if line.endswith("\r"):
            line = line[:-1]
        vals = line.split("\x1f")
        if len(vals) < len(header):
            vals += [""] * (len(header) - len(vals))
        row = {k: unescape(v) for k, v in zip(header, vals)}
        # the dissector may put addresses in typed subfields: fd.sip.v6 (4.0),
        # fd.sip.v4 + fd.sip.v6 with fd.sip as raw bytes (4.6, the falco bridge's model)
        for f in ("fd.sip", "fd.cip", "fd.lip", "fd.rip"):
            typed = row.get(f + ".v4") or row.get(f + ".v6")
            if typed:
                row[f] = typed
        rows.append(row)
    for f in ("fd.sip", "fd.cip", "fd.lip", "fd.rip"):
        if (f + ".v6" in header or f + ".v4" in header) and f not in header:
            header.append(f)
    return header, rows


def key_of(row):
    try:
        t = parse_rawtime(row.get("evt.rawtime", ""))
    except ValueError:
        return None
    try:
        tid = int(row.get("thread.tid", ""))
    except ValueError:
        tid = None
    return (t, tid, row.get("evt.type", ""), row.get("evt.dir", ""))


def align(primary, secondary, loose=False):
    """For each primary row, the secondary row with the same key (in order), or None.

    loose: when no row has the same key, accept one with the same (rawtime, tid, dir)
    whatever its evt.type (the two sysdig versions name a few old event codes
    differently: 0.29 "accept" / "<unknown>" vs 0.41 "accept4" / "fadvise64").
    """
    buckets = collections.defaultdict(collections.deque)
    lbuckets = collections.defaultdict(collections.deque)
    for i, r in enumerate(secondary):
        k = key_of(r)
        if k is not None:
            buckets[k].append(i)
            lbuckets[(k[0], k[1], k[3])].append(i)
    out = []
    used = set()

    def take(q):
        while q:
            j = q.popleft()
            if j not in used:
                return j
        return None

    for r in primary:
        k = key_of(r)
        j = take(buckets[k]) if k is not None and k in buckets else None
        if j is None and loose and k is not None:
            j = take(lbuckets.get((k[0], k[1], k[3]), collections.deque()))
        if j is None:
            out.append(None)
        else:
            used.add(j)
            out.append(secondary[j])
    return out, used


def fmt_key(r):
    return "%s %s %s %s" % (r.get("evt.rawtime"), r.get("thread.tid"),
                            r.get("evt.type"), r.get("evt.dir"))


def show(v):
    return "(absent)" if v is None else repr(v)


def read_index(path):
    entries = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            while len(parts) < 4:
                parts.append("-")
            entries.append([None if p == "-" else p for p in parts[:4]])
    return entries


def refs_only(entries, args, fields):
    out = sys.stdout
    diff_out = open(args.diff_tsv, "w") if args.diff_tsv else None
    if diff_out:
        diff_out.write("file\tevt.num41\tevt.rawtime\tthread.tid\tevt.type\tevt.dir\tfield\tv029\tv041\n")
    totals = collections.Counter()
    for name, p41, p29, _ in entries:
        base = os.path.basename(name)
        if not p41 or not p29:
            out.write("== %s: skipped (reference dump missing)\n" % base)
            continue
        _, r41 = read_ref_tsv(p41)
        _, r29 = read_ref_tsv(p29)
        partner, used = align(r41, r29, loose=True)
        unal = sum(1 for p in partner if p is None)
        n_al = len(r41) - unal
        out.write("== %s: 0.41 events %d, 0.29 events %d, aligned %d, 0.41 unaligned %d, "
                  "0.29 not aligned with 0.41 %d\n"
                  % (base, len(r41), len(r29), n_al, unal, len(r29) - len(used)))
        for r in [r for r, p in zip(r41, partner) if p is None][:args.show]:
            out.write("   unaligned 0.41: %s\n" % fmt_key(r))
        for fld in fields:
            eq = 0
            for r, p in zip(r41, partner):
                if p is None:
                    continue
                a, b = normalise(fld, r.get(fld)), normalise(fld, p.get(fld))
                if a == b:
                    eq += 1
                    continue
                if diff_out:
                    diff_out.write("\t".join([base, r.get("evt.num", ""), r.get("evt.rawtime"),
                                              r.get("thread.tid"), r.get("evt.type"),
                                              r.get("evt.dir"), fld,
                                              p.get(fld, "").replace("\t", "\\t"),
                                              r.get(fld, "").replace("\t", "\\t")]) + "\n")
            totals[(fld, "n")] += n_al
            totals[(fld, "eq")] += eq
            if n_al and eq != n_al:
                out.write("   %-14s equal %5d/%-5d (%6.2f%%)\n" % (fld, eq, n_al, 100.0 * eq / n_al))
                if args.show:
                    k = 0
                    for r, p in zip(r41, partner):
                        if p is None:
                            continue
                        if normalise(fld, r.get(fld)) != normalise(fld, p.get(fld)):
                            out.write("      %s  0.29=%s  0.41=%s\n"
                                      % (fmt_key(r), show(p.get(fld)), show(r.get(fld))))
                            k += 1
                            if k >= args.show:
                                break
    out.write("== all files (aligned events): 0.29 vs 0.41 equality per field\n")
    for fld in fields:
        n, eq = totals[(fld, "n")], totals[(fld, "eq")]
        if n:
            out.write("   %-14s %6d/%-6d %7.3f%%\n" % (fld, eq, n, 100.0 * eq / n))
    if diff_out:
        diff_out.close()
    return 0


def ours_vs_refs(entries, args, fields):
    out = sys.stdout
    failed = []
    grand = collections.Counter()
    for name, p41, p29, pours in entries:
        base = os.path.basename(name)
        if not p41:
            failed.append("%s: no sysdig 0.41 dump" % base)
            out.write("== %s: FAIL: no sysdig 0.41 dump\n" % base)
            continue
        if not pours or not os.path.exists(pours):
            failed.append("%s: no dump of ours" % base)
            out.write("== %s: FAIL: no dump of ours\n" % base)
            continue
        _, r41 = read_ref_tsv(p41)
        r29 = read_ref_tsv(p29)[1] if p29 else []
        ohdr, ours = read_ours(pours)
        p29s, _ = align(r41, r29, loose=True) if p29 else ([None] * len(r41), set())
        mine, used = align(r41, ours)
        unal = [r for r, m in zip(r41, mine) if m is None]
        n_al = len(r41) - len(unal)
        out.write("== %s: sysdig 0.41 events %d, aligned with ours %d, UNALIGNED %d; "
                  "our events %d (%d not matched: enter/internal events); sysdig 0.29 %s\n"
                  % (base, len(r41), n_al, len(unal), len(ours), len(ours) - len(used),
                     "%d events" % len(r29) if p29 else "unavailable"))
        if unal:
            failed.append("%s: %d sysdig 0.41 events unaligned" % (base, len(unal)))
            for r in unal[:args.show]:
                out.write("   unaligned: %s (evt.num %s)\n" % (fmt_key(r), r.get("evt.num")))
        for fld in fields:
            if fld not in ohdr:
                out.write("   %-14s not in our dump\n" % fld)
                if n_al:
                    failed.append("%s: %s missing from our dump" % (base, fld))
                continue
            agree = 0
            bad = []
            for r, m, p in zip(r41, mine, p29s):
                if m is None:
                    continue
                o = normalise(fld, m.get(fld))
                if o == normalise(fld, r.get(fld)) or (p is not None and o == normalise(fld, p.get(fld))):
                    agree += 1
                elif len(bad) < args.show:
                    bad.append((r, m, p))
            grand[(fld, "n")] += n_al
            grand[(fld, "ok")] += agree
            pct = 100.0 * agree / n_al if n_al else 100.0
            status = "ok" if pct >= args.threshold else "FAIL"
            if status == "FAIL":
                failed.append("%s: %s %.2f%%" % (base, fld, pct))
            out.write("   %-14s %5d/%-5d %7.2f%%  %s\n" % (fld, agree, n_al, pct, status))
            for r, m, p in bad:
                out.write("      %s  ours=%s  0.41=%s  0.29=%s\n"
                          % (fmt_key(r), show(m.get(fld)), show(r.get(fld)),
                             show(p.get(fld)) if p is not None else "(no event)"))
    out.write("== all files: per-field agreement\n")
    for fld in fields:
        n, ok = grand[(fld, "n")], grand[(fld, "ok")]
        if n:
            out.write("   %-14s %6d/%-6d %7.3f%%\n" % (fld, ok, n, 100.0 * ok / n))
    if failed:
        out.write("RESULT: FAIL (threshold %.2f%%)\n" % args.threshold)
        for f in failed:
            out.write("   %s\n" % f)
        return 1
    out.write("RESULT: PASS (threshold %.2f%%)\n" % args.threshold)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("index")
    ap.add_argument("--refs-only", action="store_true",
                    help="compare sysdig 0.29 with sysdig 0.41 only")
    ap.add_argument("--threshold", type=float,
                    default=float(os.environ.get("BPFDIG_REF_THRESHOLD", "99")),
                    help="minimum agreement per field and file, in %% (default 99)")
    ap.add_argument("--show", type=int, default=5,
                    help="disagreements listed per field and file (default 5)")
    ap.add_argument("--fields", default=None,
                    help="comma-separated fields to compare (default: the compared list)")
    ap.add_argument("--diff-tsv", default=None,
                    help="--refs-only: write every differing (event, field) here")
    args = ap.parse_args()
    fields = args.fields.split(",") if args.fields else CMP_FIELDS
    entries = read_index(args.index)
    if args.refs_only:
        return refs_only(entries, args, fields)
    return ours_vs_refs(entries, args, fields)


if __name__ == "__main__":
    sys.exit(main())
