#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Ground-truth checks of a live capture made while bpfdig-workload ran.

  checks.py plan TRUTH OUTDIR
      writes OUTDIR/checks.json and, per reader, the queries to run:
      OUTDIR/tshark.tsv  (name TAB display-filter TAB fields, space separated)
      OUTDIR/sysdig.tsv  (name TAB sysdig-filter TAB -p format)
  checks.py verify OUTDIR READER
      compares OUTDIR/READER/<name>.out with the expected values; prints one
      line per check and exits 1 if any fails.

TRUTH holds the workload's KEY=VALUE lines (what it really did)."""
import hashlib
import json
import os
import sys

SEP = "\x1f"


def load_truth(path):
    t = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            if key:
                t[key] = value
    return t


def container_id(marker):
    return hashlib.sha256(marker.encode()).hexdigest()


def build_checks(t, marker):
    """(name, filter in Wireshark syntax, fields, expected values)."""
    pid = t["pid"]
    c = []

    def add(name, flt, fields, expect, only=None):
        c.append({"name": name, "filter": flt, "fields": fields, "expect": expect, "only": only})

    add("relative_open_after_chdir", f'evt.type == "openat" && fd.name == "{t["rel_open_name"]}"',
        ["fd.num", "proc.pid", "evt.failed"], [t["rel_open_fd"], pid, "false"])
    add("openat_with_dirfd", f'evt.type == "openat" && fd.name == "{t["openat_name"]}"',
        ["fd.num", "fd.type", "fd.filename"],
        [t["openat_fd"], "file", os.path.basename(t["openat_name"])])
    add("write_on_it", f'evt.type == "write" && fd.name == "{t["openat_name"]}"',
        ["evt.rawres", "fd.num"], [str(len(t["write_payload"])), t["openat_fd"]])
    add("pread_on_it", f'evt.type == "pread" && fd.name == "{t["openat_name"]}"',
        ["fd.num", "evt.failed"], [t["openat_fd"], "false"])
    add("rename", f'evt.type == "renameat" && evt.arg.newpath contains "renamed-{marker}"',
        ["evt.rawres", "proc.pid"], ["0", pid])
    add("unlink", f'evt.type == "unlinkat" && evt.arg.name contains "renamed-{marker}"',
        ["evt.rawres"], ["0"])
    add("failed_open", f'evt.type == "openat" && fd.name == "{t["failed_open_name"]}"',
        ["evt.failed", "evt.rawres"], ["true", "-2"])
    for fam, addr in (("4", "127.0.0.1"), ("6", "::1")):
        sport, cport = t[f"tcp{fam}_sport"], t[f"tcp{fam}_cport"]
        tuple_name = f"{addr}:{cport}->{addr}:{sport}"
        add(f"tcp{fam}_connect",
            f'evt.type == "connect" && fd.sport == {sport} && fd.cport == {cport}',
            ["fd.name", "fd.num", "fd.l4proto", "fd.type"],
            [tuple_name, t[f"tcp{fam}_connect_fd"], "tcp", "ipv" + fam])
        add(f"tcp{fam}_accept",
            f'evt.type contains "accept" && fd.sport == {sport} && fd.cport == {cport}',
            ["fd.name", "fd.num", "fd.is_server"],
            [tuple_name, t[f"tcp{fam}_accept_fd"], "true"])
    add("udp_sendto", f'evt.type == "sendto" && fd.sport == {t["udp_sport"]}',
        ["fd.l4proto", "fd.num", "fd.sip"], ["udp", t["udp_sendto_fd"], "127.0.0.1"])
    add("unix_socketpair_write",
        f'evt.type == "write" && fd.type == "unix" && proc.pid == {pid}',
        ["fd.num", "fd.typechar"], [t["socketpair_fd0"], "u"])
    add("pipe_dup2_high_fd", f'evt.type == "write" && fd.num == {t["pipe_high_fd"]} && proc.pid == {pid}',
        ["fd.type", "fd.typechar"], ["pipe", "p"])
    add("fork_exec", f'evt.type == "execve" && proc.cmdline == "{t["exec_cmdline"]}"',
        ["proc.pid", "proc.pname", "proc.exe", "proc.name", "proc.ppid"],
        [t["exec_pid"], "bpfdig-workload", "echo", "echo", pid])
    add("setuid", f'evt.type == "setuid" && thread.tid == {t["setuid_pid"]}',
        ["evt.rawres", "user.uid"], ["0", "65534"])
    add("after_setuid", f'fd.name == "{t["setuid_open_name"]}"',
        ["user.uid", "user.name", "evt.failed", "proc.pid"],
        ["65534", "nobody", "true", t["setuid_pid"]])
    if "cgroup_pid" in t:
        add("container_cgroup", f'evt.type == "openat" && fd.name == "{t["cgroup_open_name"]}"',
            ["container.id", "proc.pid", "proc.name"],
            [container_id(marker)[:12], t["cgroup_pid"], "touch"],
            # sysdig 0.41 has container.* only with its container plugin,
            # which the lab does not install ("invalid formatting token")
            only="tshark")
    return c


def to_sysdig_filter(flt):
    return flt.replace("==", "=").replace("&&", "and")


def plan(truth_path, outdir):
    t = load_truth(truth_path)
    marker = os.path.basename(t["rel_open_name"])[len("rel-"):-len(".txt")]
    checks = build_checks(t, marker)
    with open(os.path.join(outdir, "checks.json"), "w") as f:
        json.dump(checks, f, indent=1)
    with open(os.path.join(outdir, "tshark.tsv"), "w") as f:
        for c in checks:
            f.write(f'{c["name"]}\t{c["filter"]}\t{" ".join(c["fields"])}\n')
    with open(os.path.join(outdir, "sysdig.tsv"), "w") as f:
        for c in checks:
            if c.get("only") not in (None, "sysdig"):
                continue
            fmt = SEP.join("%" + x for x in c["fields"])
            f.write(f'{c["name"]}\t{to_sysdig_filter(c["filter"])}\t{fmt}\n')


def normalise(v):
    v = v.strip()
    return {"True": "true", "False": "false", "1": "1", "0": "0"}.get(v, v)


def bool_equal(got, want):
    if want in ("true", "false"):
        return got in ((want, "1") if want == "true" else (want, "0"))
    return got == want


def verify(outdir, reader):
    with open(os.path.join(outdir, "checks.json")) as f:
        checks = json.load(f)
    failed = 0
    checks = [c for c in checks if c.get("only") in (None, reader)]
    for c in checks:
        path = os.path.join(outdir, reader, c["name"] + ".out")
        rows = []
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                rows = [r.rstrip("\n") for r in f if r.strip()]
        if not rows:
            print(f"{reader}: FAIL {c['name']}: no event matches  {c['filter']}")
            failed += 1
            continue
        got = [normalise(x) for x in rows[0].split(SEP)]
        bad = [(fld, g, w) for fld, g, w in zip(c["fields"], got, c["expect"])
               if not bool_equal(g, w)]
        if len(got) != len(c["fields"]):
            bad.append(("(field count)", str(len(got)), str(len(c["fields"]))))
        if bad:
            failed += 1
            detail = ", ".join(f"{fld}={g!r} (want {w!r})" for fld, g, w in bad)
            print(f"{reader}: FAIL {c['name']}: {detail}  [{c['filter']}]")
        else:
            shown = ", ".join(f"{fld}={g}" for fld, g in zip(c["fields"], got))
            print(f"{reader}: ok   {c['name']}: {shown}")
    print(f"{reader}: {len(checks) - failed}/{len(checks)} checks pass")
    return 1 if failed else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "plan":
        plan(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == "verify":
        return verify(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
