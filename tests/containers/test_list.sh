#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpfdig-agent --list-containers: one line per running container,
# "ID12<TAB>NAME<TAB>IMAGE" (what the extcap shows in its dialog, locally and
# over SSH). A stopped container is not listed; without a runtime the
# output is empty and the exit status 0 (-v says why on stderr); a runtime
# socket that refuses (a stale socket, no permission) is an error: exit 1
# and the reason on stderr, which the extcap's dialog shows.
#
# Usage: test_list.sh AGENT [WIRETAP_PLUGIN EPAN_PLUGIN]
source "$(dirname "$0")/common.sh"
ct_init "$@"
pm_api_start || t_skip "cannot start the podman API service"

a="bdl$$a" b="bdl$$b" stopped="bdl$$s"
pm_run "$a" --label io.kubernetes.pod.name=p1 -- sleep 600 >/dev/null || t_fail "cannot start $a"
pm_run "$b" -- sleep 600 >/dev/null || t_fail "cannot start $b"
pm_create "$stopped" -- sleep 600 >/dev/null || t_fail "cannot create $stopped"

out=$("$CT_AGENT" --list-containers --container-socket "$PM_SOCK")
rc=$?
echo "$out"
[[ $rc -eq 0 ]] || t_fail "--list-containers: exit status $rc"
for n in "$a" "$b"; do
    want="$(pm_id "$n" | cut -c1-12)	$n	$PM_IMAGE"
    grep -qxF "$want" <<<"$out" || t_fail "--list-containers does not print '$want'"
done
grep -q "	$stopped	" <<<"$out" && t_fail "a created, not running container is listed"
bad=$(grep -cvP '^[0-9a-f]{12}\t[^\t]+\t[^\t]*$' <<<"$out")
[[ $bad -eq 0 ]] || t_fail "$bad lines are not ID12<TAB>NAME<TAB>IMAGE"

# the default sockets include /run/podman/podman.sock
out2=$("$CT_AGENT" --list-containers)
grep -q "	$a	" <<<"$out2" || t_fail "--list-containers with the default sockets misses $a"

# no runtime: nothing on stdout, exit 0; -v explains on stderr
out=$("$CT_AGENT" --list-containers --container-socket "$CT_TMP/none.sock" -v 2>"$CT_TMP/err")
rc=$?
[[ $rc -eq 0 && -z "$out" ]] || t_fail "no runtime: exit $rc, output '$out'"
grep -q "no container runtime" "$CT_TMP/err" || t_fail "-v without a runtime says nothing"
out=$("$CT_AGENT" --list-containers --no-container-api 2>&1)
[[ $? -eq 0 && -z "$out" ]] || t_fail "--no-container-api: '$out'"

# a socket nobody listens on (left by a runtime that died): exit 1, why
ro=$(mktemp -d "${BPFDIG_TMPDIR:-/tmp}/ctr-list.XXXXXX")
chmod 755 "$ro"
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' \
    "$ro/stale.sock" || t_fail "cannot make a stale socket"
out=$("$CT_AGENT" --list-containers --container-socket "$ro/stale.sock" 2>"$CT_TMP/err")
rc=$?
t_log "stale socket: exit $rc: $(tr '\n' ' ' <"$CT_TMP/err")"
[[ $rc -eq 1 && -z "$out" ]] || t_fail "stale socket: exit $rc, output '$out'"
grep -q "stale.sock: listing the containers failed: Connection refused" "$CT_TMP/err" &&
    grep -q "no container runtime answered" "$CT_TMP/err" || t_fail "stale socket: no clear reason"
# the API socket (root's, mode 600) for an unprivileged user: exit 1, why
python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o600); s.listen(1)
time.sleep(30)' "$ro/root.sock" &
holder=$!
for _ in $(seq 50); do [[ -S "$ro/root.sock" ]] && break; sleep 0.1; done
cp "$CT_AGENT" "$ro/agent"
chmod 755 "$ro/agent"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$ro/agent" --list-containers \
    --container-socket "$ro/root.sock" 2>"$CT_TMP/err")
rc=$?
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
t_log "unprivileged: exit $rc: $(tr '\n' ' ' <"$CT_TMP/err")"
[[ $rc -eq 1 && -z "$out" ]] || t_fail "unprivileged: exit $rc, output '$out'"
grep -q "Permission denied (run as root or as a member of the socket's group)" "$CT_TMP/err" ||
    t_fail "unprivileged: no clear reason"
rm -rf "$ro"
t_finish
