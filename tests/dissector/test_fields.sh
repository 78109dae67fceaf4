#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# "tshark -G fields" lists every falco field bpfdig promises, with its type,
# loads the plugins without warnings, and docs/fields.md documents every
# field the plugin registers.
source "$(dirname "$0")/common.sh"
dt_setup

# name:type of the fields of the issue (and a few more bpfdig relies on).
EXPECTED=(
    evt.num:FT_UINT64 evt.time:FT_STRING evt.rawtime:FT_UINT64 evt.type:FT_STRING
    evt.dir:FT_STRING evt.cpu:FT_INT16 evt.args:FT_STRING evt.res:FT_STRING
    evt.rawres:FT_INT64 evt.failed:FT_BOOLEAN evt.latency:FT_UINT64 evt.category:FT_STRING
    evt.is_io:FT_BOOLEAN evt.is_io_read:FT_BOOLEAN evt.is_io_write:FT_BOOLEAN
    evt.buffer:FT_BYTES evt.buflen:FT_UINT64
    evt.arg.fd:FT_STRING evt.arg.name:FT_STRING evt.arg.res:FT_STRING evt.arg.flags:FT_STRING
    evt.arg.data:FT_STRING evt.arg.tuple:FT_STRING evt.arg.dirfd:FT_STRING
    proc.name:FT_STRING proc.exe:FT_STRING proc.exepath:FT_STRING proc.cmdline:FT_STRING
    proc.args:FT_STRING proc.pid:FT_INT64 proc.ppid:FT_INT64 proc.pname:FT_STRING
    proc.pcmdline:FT_STRING proc.cwd:FT_STRING proc.tty:FT_UINT32 proc.sid:FT_INT64
    proc.vpid:FT_INT64 proc.aname:FT_STRING proc.apid:FT_INT64
    thread.tid:FT_INT64 thread.vtid:FT_INT64
    user.uid:FT_UINT32 user.name:FT_STRING user.homedir:FT_STRING user.shell:FT_STRING
    user.loginuid:FT_INT64 group.gid:FT_UINT32 group.name:FT_STRING
    fd.num:FT_INT64 fd.type:FT_STRING fd.typechar:FT_STRING fd.name:FT_STRING
    fd.directory:FT_STRING fd.filename:FT_STRING
    fd.cip:FT_IPv4 fd.sip:FT_IPv4 fd.lip:FT_IPv4 fd.rip:FT_IPv4
    fd.cip.v6:FT_IPv6 fd.sip.v6:FT_IPv6 fd.lip.v6:FT_IPv6 fd.rip.v6:FT_IPv6
    fd.cport:FT_UINT16 fd.sport:FT_UINT16 fd.lport:FT_UINT16 fd.rport:FT_UINT16
    fd.l4proto:FT_STRING fd.sockfamily:FT_STRING fd.is_server:FT_BOOLEAN
    container.id:FT_STRING container.name:FT_STRING container.image:FT_STRING
    container.image.id:FT_STRING container.type:FT_STRING container.privileged:FT_BOOLEAN
    container.labels:FT_STRING container.label:FT_STRING
    k8s.pod.name:FT_STRING k8s.ns.name:FT_STRING k8s.pod.uid:FT_STRING
    scap.block_type:FT_UINT32 scap.block_len:FT_UINT32
)

fields=$(TU_TIMEOUT=120 dt_tshark -G fields) || dt_fail "tshark -G fields failed"
dt_quiet "tshark -G fields"
# F<TAB>name<TAB>abbrev<TAB>type<TAB>protocol ...
ours=$(awk -F'\t' '$1 == "F" && ($5 == "bpfdig" || $5 == "scap") {print $3 ":" $4}' <<<"$fields")
for e in "${EXPECTED[@]}"; do
    grep -qxF "$e" <<<"$ours" || dt_fail "field ${e%%:*} of type ${e#*:} is not registered"
done

protocols=$(TU_TIMEOUT=120 dt_tshark -G protocols)
for p in bpfdig scap; do
    awk -F'\t' '{print $3}' <<<"$protocols" | grep -qxF "$p" || dt_fail "protocol $p is not registered"
done

# Every registered field is documented (evt.arg.* and container.label.<key>,
# one per key of the label_keys preference, as families).
doc="$DT_SOURCE/docs/fields.md"
if [[ -f "$doc" ]]; then
    while IFS=: read -r name _; do
        [[ "$name" == evt.arg.* || "$name" == container.label.* ]] && continue
        grep -qF "\`$name\`" "$doc" || dt_fail "$name is not documented in docs/fields.md"
    done <<<"$ours"
    grep -qF '`evt.arg.' "$doc" || dt_fail "evt.arg.<name> is not documented in docs/fields.md"
    grep -qF '`container.label.<key>`' "$doc" ||
        dt_fail "container.label.<key> is not documented in docs/fields.md"
else
    dt_fail "no $doc"
fi

dt_finish
