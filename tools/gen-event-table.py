#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate scapkit/src/event_table.c, the scapkit event schema.

Inputs:
  * the two event tables (code, enum_name, event_name, flags, nparams, params):
    codes 0..SK_EVENT_MAX_WRITE-1 come from the older one (the layouts bpfdig
    writes), the remaining codes from the newer one;
  * scapkit/schema/supplement.tsv: categories, print formats, name tables and
    dirfd links (facts the event tables do not carry);
  * scapkit/schema/flags.tsv: the symbolic value tables and dynamic sub-types;
  * scapkit/schema/ppm_sc.tsv: ppm_sc syscall codes and names.

Usage: tools/gen-event-table.py [--old TSV] [--new TSV] [--out FILE]
"""

import argparse
import os
import sys

WRITE_MAX = 430
EVENT_MAX = 454
MAX_PARAMS = 32

PARAM_TYPES = [
    "NONE", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64",
    "CHARBUF", "BYTEBUF", "ERRNO", "SOCKADDR", "SOCKTUPLE", "FD", "PID", "FDLIST", "FSPATH",
    "SYSCALLID", "SIGTYPE", "RELTIME", "ABSTIME", "PORT", "L4PROTO", "SOCKFAMILY", "BOOL",
    "IPV4ADDR", "DYN", "FLAGS8", "FLAGS16", "FLAGS32", "UID", "GID", "DOUBLE", "SIGSET",
    "CHARBUFARRAY", "CHARBUF_PAIR_ARRAY", "IPV4NET", "IPV6ADDR", "IPV6NET", "IPADDR", "IPNET",
    "MODE", "FSRELPATH", "ENUMFLAGS8", "ENUMFLAGS16", "ENUMFLAGS32", "FD32", "PID32",
]
FORMATS = {"na": "SK_PF_NA", "dec": "SK_PF_DEC", "hex": "SK_PF_HEX",
           "pad10": "SK_PF_10_PADDED_DEC", "id": "SK_PF_ID", "dir": "SK_PF_DIR",
           "oct": "SK_PF_OCT"}
EVENT_FLAGS = ["CREATES_FD", "DESTROYS_FD", "USES_FD", "READS_FROM_FD", "WRITES_TO_FD",
               "MODIFIES_STATE", "UNUSED", "WAITS", "SKIPPARSERESET", "OLD_VERSION",
               "LARGE_PAYLOAD", "CONVERTER_MANAGED"]
CATEGORIES = ["UNKNOWN", "OTHER", "FILE", "NET", "IPC", "MEMORY", "PROCESS", "SLEEP", "SYSTEM",
              "SIGNAL", "USER", "TIME", "PROCESSING", "IO_READ", "IO_WRITE", "IO_OTHER", "WAIT",
              "SCHEDULER", "INTERNAL", "SYSCALL", "TRACEPOINT", "PLUGIN", "METAEVENT", "ITER"]


class SchemaError(Exception):
    pass


def data_lines(path):
    """(line number, tab-split fields) of the non-comment, non-blank lines."""
    with open(path, encoding="utf-8") as f:
        for num, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield num, line.split("\t")


def read_events(path, first, last):
    """Events with first <= code < last from an event TSV, keyed by code."""
    events = {}
    for num, fields in data_lines(path):
        if fields[0] == "code":
            continue
        if len(fields) < 5:
            raise SchemaError(f"{path}:{num}: expected at least 5 columns")
        code = int(fields[0])
        if not first <= code < last:
            continue
        params = []
        text = fields[5].strip() if len(fields) > 5 else ""
        for item in filter(None, (p.strip() for p in text.split(","))):
            name, _, ptype = item.partition(":")
            if ptype not in PARAM_TYPES:
                raise SchemaError(f"{path}:{num}: unknown parameter type {ptype!r}")
            params.append({"name": name, "type": ptype, "fmt": None, "names": None,
                           "dirfd": -1})
        if len(params) != int(fields[4]):
            raise SchemaError(f"{path}:{num}: nparams {fields[4]} but {len(params)} params")
        flags = []
        for flag in fields[3].split("|"):
            flag = flag.strip().removeprefix("EF_")
            if flag and flag != "NONE":
                if flag not in EVENT_FLAGS:
                    raise SchemaError(f"{path}:{num}: unknown event flag {flag!r}")
                flags.append(flag)
        events[code] = {"enum": fields[1], "name": fields[2], "flags": flags,
                        "params": params, "category": None}
    return events


def read_supplement(path, events):
    defaults = {}
    for num, fields in data_lines(path):
        where = f"{path}:{num}"
        if fields[0] == "default":
            defaults[fields[1]] = fields[2]
            continue
        code = int(fields[0])
        if code not in events:
            raise SchemaError(f"{where}: no event {code}")
        event = events[code]
        for part in fields[1].split("|"):
            if part not in CATEGORIES:
                raise SchemaError(f"{where}: unknown category {part!r}")
        event["category"] = fields[1].split("|")
        annotations = fields[2].split() if len(fields) > 2 else []
        for note in annotations:
            index, _, attrs = note.partition("=")
            if int(index) >= len(event["params"]):
                raise SchemaError(f"{where}: event {code} has no parameter {index}")
            apply_attrs(event["params"][int(index)], attrs.split(","), where)
    for code, event in events.items():
        if event["category"] is None:
            raise SchemaError(f"{path}: no category for event {code}")
        for param in event["params"]:
            if param["fmt"] is None:
                param["fmt"] = defaults.get(param["type"], "na")


def apply_attrs(param, attrs, where):
    for attr in attrs:
        if attr in FORMATS:
            param["fmt"] = attr
        elif attr.startswith("names:"):
            param["names"] = attr[len("names:"):]
        elif attr.startswith("dirfd:"):
            param["dirfd"] = int(attr[len("dirfd:"):])
        else:
            raise SchemaError(f"{where}: unknown attribute {attr!r}")


def read_tables(path):
    """Value tables {name: [(value, symbol)]} and dynamic tables {name: [(type, fmt)]}."""
    values, dyns = {}, {}
    current, current_is_dyn = None, False
    for num, fields in data_lines(path):
        if fields[0].startswith("@"):
            words = fields[0][1:].split()
            current_is_dyn = len(words) == 2 and words[1] == "dyn"
            current = (dyns if current_is_dyn else values).setdefault(words[0], [])
        elif current is None:
            raise SchemaError(f"{path}:{num}: entry outside a table")
        elif current_is_dyn:
            if int(fields[0]) != len(current) or fields[1] not in PARAM_TYPES:
                raise SchemaError(f"{path}:{num}: bad dynamic sub-type line")
            current.append((fields[1], fields[2]))
        else:
            current.append((int(fields[0], 0), fields[1]))
    return values, dyns


def read_syscalls(path):
    names = {}
    for num, fields in data_lines(path):
        names[int(fields[0])] = fields[1]
    return names


def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit_value_tables(out, values, used):
    """Tables named by a parameter are static; the others (e.g. poll_flags,
    used by the FDLIST renderer) are exported as sk_nv_<name>."""
    for name in sorted(values):
        if name in used:
            out.append(f"static const struct sk_name_value nv_{name}[] = {{")
        else:
            out.append(f"const struct sk_name_value sk_nv_{name}[] = {{")
        for value, symbol in values[name]:
            out.append(f"    {{0x{value:x}u, {c_string(symbol)}}},")
        out.append("    {0, NULL},")
        out.append("};")
        out.append("")


def emit_dyn_tables(out, dyns, used):
    for name in sorted(used):
        out.append(f"static const struct sk_dyn_subtype dyn_{name}[] = {{")
        for ptype, fmt in dyns[name]:
            out.append(f"    {{SK_PT_{ptype}, {FORMATS[fmt]}}},")
        out.append("};")
        out.append("")


def emit_params(out, code, event, values, dyns):
    if not event["params"]:
        return
    out.append(f"static const struct sk_param_info params_{code}[] = {{")
    for param in event["params"]:
        names = "NULL"
        if param["names"] in values:
            names = "nv_" + param["names"]
        elif param["names"] is not None and param["names"] not in dyns:
            raise SchemaError(f"event {code}: unknown table {param['names']}")
        out.append(f"    {{{c_string(param['name'])}, SK_PT_{param['type']}, "
                   f"{FORMATS[param['fmt']]}, {names}, {param['dirfd']}}},")
    out.append("};")


def event_flags_expr(event):
    if not event["flags"]:
        return "SK_EF_NONE"
    return " | ".join("SK_EF_" + f for f in event["flags"])


def wrap_expr(expr, indent, width):
    """An OR-expression as lines of at most width columns, ending in a comma."""
    lines, current = [], indent
    for term in (expr + ",").split(" | "):
        piece = term if current == indent else " | " + term
        if current != indent and len(current) + len(piece) > width:
            lines.append(current + " |")
            current, piece = indent, term
        current += piece
    lines.append(current)
    return lines


def emit_events(out, events):
    out.append("const struct sk_event_info sk_event_table[SK_EVENT_MAX] = {")
    for code in range(EVENT_MAX):
        event = events[code]
        category = " | ".join("SK_EC_" + c for c in event["category"])
        params = f"params_{code}" if event["params"] else "NULL"
        out.append(f"    [{code}] = {{{c_string(event['name'])}, {c_string(event['enum'])},")
        out.extend(wrap_expr(event_flags_expr(event), "             ", 100))
        out.append(f"             {category}, {len(event['params'])}, {params}}},")
    out.append("};")


def emit_dyn_links(out, events, dyns):
    out.append("const struct sk_dyn_link sk_dyn_links[] = {")
    count = 0
    for code in range(EVENT_MAX):
        for index, param in enumerate(events[code]["params"]):
            if param["names"] in dyns:
                table = param["names"]
                out.append(f"    {{{code}, {index}, {len(dyns[table])}, dyn_{table}}},")
                count += 1
    out.append("};")
    out.append(f"const size_t sk_dyn_link_count = {count};")


def emit_param_names(out, events):
    names = sorted({p["name"] for e in events.values() for p in e["params"] if p["name"]})
    out.append("const char *const sk_param_names[] = {")
    out.extend(f"    {c_string(n)}," for n in names)
    out.append("};")
    out.append(f"const size_t sk_param_names_count = {len(names)};")


def emit_syscalls(out, syscalls):
    top = max(syscalls) + 1
    out.append(f"const char *const sk_syscall_names[{top}] = {{")
    out.extend(f"    [{code}] = {c_string(syscalls[code])}," for code in sorted(syscalls))
    out.append("};")
    out.append(f"const uint16_t sk_syscall_names_count = {top};")


def check_events(events):
    for code in range(EVENT_MAX):
        if code not in events:
            raise SchemaError(f"event code {code} missing")
        event = events[code]
        if len(event["params"]) > MAX_PARAMS:
            raise SchemaError(f"event {code}: too many params")
        for param in event["params"]:
            if param["dirfd"] >= 0 and param["type"] != "FSRELPATH":
                raise SchemaError(f"event {code}: dirfd link only for FSRELPATH params")
            if param["dirfd"] >= len(event["params"]):
                raise SchemaError(f"event {code}: dirfd index out of range")


def generate(args):
    events = read_events(args.old, 0, WRITE_MAX)
    events.update(read_events(args.new, WRITE_MAX, EVENT_MAX))
    read_supplement(os.path.join(args.schema, "supplement.tsv"), events)
    check_events(events)
    values, dyns = read_tables(os.path.join(args.schema, "flags.tsv"))
    syscalls = read_syscalls(os.path.join(args.schema, "ppm_sc.tsv"))
    used = {p["names"] for e in events.values() for p in e["params"] if p["names"]}

    out = [
        "/* SPDX-License-Identifier: GPL-2.0-or-later */",
        "/*",
        " * scapkit event schema tables. GENERATED by tools/gen-event-table.py from",
        " * events-0.22.2.tsv (codes 0..429), events-0.25.4.tsv (codes 430..453) and",
        " * the tables under scapkit/schema/. Do not edit: change the inputs and regenerate.",
        " */",
        "#include \"schema_internal.h\"",
        "",
        "/* clang-format off */",
        "",
    ]
    emit_value_tables(out, values, used)
    emit_dyn_tables(out, dyns, used & set(dyns))
    for code in range(EVENT_MAX):
        emit_params(out, code, events[code], values, dyns)
    out.append("")
    emit_events(out, events)
    out.append("")
    emit_dyn_links(out, events, dyns)
    out.append("")
    emit_param_names(out, events)
    out.append("")
    emit_syscalls(out, syscalls)
    out.append("")
    out.append("/* clang-format on */")
    return "\n".join(out) + "\n"


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    docs = os.path.join(repo, "..", "shared", "docs")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default=os.path.join(docs, "events-0.22.2.tsv"))
    parser.add_argument("--new", default=os.path.join(docs, "events-0.25.4.tsv"))
    parser.add_argument("--schema", default=os.path.join(repo, "scapkit", "schema"))
    parser.add_argument("--out", default=os.path.join(repo, "scapkit", "src", "event_table.c"))
    args = parser.parse_args()
    try:
        text = generate(args)
    except (SchemaError, OSError, ValueError) as err:
        print(f"gen-event-table: {err}", file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
