#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpfdig-agent --list-containers: one line per running container,
# "ID12<TAB>NAME<TAB>IMAGE" (what the extcap shows in its dialog, locally and
# over SSH). A stopped container is not listed; without a runtime the
# output is empty and the exit status 0 (-v says why on stderr).
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
t_finish
