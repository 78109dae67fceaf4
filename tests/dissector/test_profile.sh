#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The "bpfdig" configuration profile parses (tshark -C bpfdig, no warnings)
# and gives the falco columns; with the corpus, the columns hold the values.
source "$(dirname "$0")/common.sh"
dt_setup

profile="$DT_SOURCE/dissector/profile/bpfdig"
[[ -f "$profile/preferences" ]] || dt_skip "no profile at $profile"
dest="$TU_HOME/.config/wireshark/profiles"
mkdir -p "$dest" && cp -r "$profile" "$dest/" || exit 1
tu_is_root && chown -R "$TU_UID:$TU_GID" "$TU_HOME/.config"

prefs=$(dt_tshark -G currentprefs -C bpfdig) || dt_fail "tshark -C bpfdig -G currentprefs failed"
dt_quiet "tshark -C bpfdig"
columns=$(sed -n '/^gui.column.format:/,/^$/p' <<<"$prefs" | tr -d '\t')
for c in '"No.", "%m",' '"Time", "%t",' '"proc.name", "%Cus:proc.name:0:R",' \
    '"proc.pid", "%Cus:proc.pid:0:R",' '"thread.tid", "%Cus:thread.tid:0:R",' \
    '"evt.type", "%Cus:evt.type:0:R",' '"fd.name", "%Cus:fd.name:0:R",' '"Info", "%i"'; do
    dt_has_line "profile columns" "$columns" "$c"
done

if [[ -n "${BPFDIG_CORPUS:-}" && -f "$BPFDIG_CORPUS/curl_google.scap" ]]; then
    in=$(dt_input curl_google.scap)
    line=$(dt_tshark -C bpfdig -r "$in" -Y 'evt.num == 219')
    dt_quiet "tshark -C bpfdig -r curl_google.scap"
    # No. Time proc.name proc.pid thread.tid evt.type fd.name Info
    got=$(awk '{$2 = "T"; print}' <<<"$line")
    dt_expect_eq "profile columns of the open exit" "$got" \
        "219 T curl 17497 17497 open /etc/ld.so.cache < open fd=3(<f>/etc/ld.so.cache) name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0"
fi

dt_finish
