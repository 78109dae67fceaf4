#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Field values on the third-party corpus, checked against what sysdig
# prints for the same events (sysdig 0.29 numbering: evt.num counts every
# event record), and no malformed frame in any file.
source "$(dirname "$0")/common.sh"
dt_need_corpus
dt_setup

F=(-T fields -E separator=/t -E occurrence=a -E aggregator=,)

# --- curl_google.scap: proc.name == "curl" && fd.name contains "/etc"
in=$(dt_input curl_google.scap)
out=$(dt_tshark -r "$in" -Y 'proc.name == "curl" && fd.name contains "/etc"' "${F[@]}" \
    -e evt.num -e evt.type -e evt.dir -e proc.pid -e thread.tid -e fd.num -e fd.name \
    -e fd.type -e user.name -e container.id)
dt_quiet "curl_google filter"
# The open exit of /etc/ld.so.cache by curl before its uid is known (sysdig: user.name <NA>).
dt_has_line "curl ld.so.cache open exit" "$out" \
    "$(printf '219\topen\t<\t17497\t17497\t3\t/etc/ld.so.cache\tfile\t\thost')"
dt_has_line "curl nsswitch.conf open exit" "$out" \
    "$(printf '1075\topen\t<\t17497\t17498\t4\t/etc/nsswitch.conf\tfile\tubuntu\thost')"

# The sysdig one-line Info column and the evt.* fields of that open exit.
out=$(dt_tshark -r "$in" -Y 'evt.num == 219' "${F[@]}" -e _ws.col.Info -e evt.res \
    -e evt.rawres -e evt.failed -e evt.latency -e evt.category -e evt.arg.fd -e evt.arg.flags \
    -e proc.cmdline -e proc.pname -e proc.aname -e proc.apid -e fd.directory -e fd.filename \
    -e evt.time -e evt.rawtime)
expect=$(printf '%s\t' '< open fd=3(<f>/etc/ld.so.cache) name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0' \
    SUCCESS 3 0 3896 file '<f>/etc/ld.so.cache' 'O_RDONLY|O_CLOEXEC' 'curl -6 http://www.google.com' \
    bash bash,sshd,sshd,sshd,systemd 3200,3199,3111,1397,1 /etc ld.so.cache)
expect="$expect$(TZ=${TZ:-} date -d @1534527348 +%H:%M:%S).514682170	1534527348514682170"
dt_expect_eq "curl open exit fields" "$out" "$expect"

# Filters on other fields: ancestors, users, ports, IPv6 addresses.
count() { dt_tshark -r "$1" -Y "$2" | wc -l; }
[[ $(count "$in" 'proc.aname == "sshd" && proc.name == "curl"') -gt 0 ]] ||
    dt_fail "proc.aname matches no ancestor"
[[ $(count "$in" 'fd.sport == 53 && evt.type == "connect"') -gt 0 ]] || dt_fail "fd.sport == 53 matches nothing"
[[ $(count "$in" 'fd.sip.v6 == 2001:4860:4860::8888') -gt 0 ]] || dt_fail "fd.sip.v6 matches nothing"
n=$(count "$in" 'bpfdig')
dt_expect_eq "frames with the bpfdig protocol (every event)" "$n" 1536

# --- psp_run_as_user_0_container.scap: container of bash and ls (sysdig 0.29 counts)
in=$(dt_input psp_run_as_user_0_container.scap)
out=$(dt_tshark -r "$in" -Y 'container.id != "host"' "${F[@]}" -e container.id -e proc.name |
    sort | uniq -c | awk '{print $1, $2, $3}')
dt_expect_eq "container events" "$out" "$(printf '270 697956520d89 bash\n191 697956520d89 ls')"
out=$(dt_tshark -r "$in" -Y 'container.id == "697956520d89"' "${F[@]}" -e container.name \
    -e container.image -e container.type | sort -u)
dt_expect_eq "container metadata" "$out" "$(printf 'hopeful_taussig\tnginx\tdocker')"
[[ $(count "$in" 'user.name == "root" && container.id == "697956520d89"') -gt 0 ]] ||
    dt_fail "user.name == \"root\" matches nothing"

# --- single_ipv6_conn.scap: the IPv6 connect
in=$(dt_input single_ipv6_conn.scap)
out=$(dt_tshark -r "$in" -Y 'fd.sip.v6 == 2001:db8::3 && evt.type == "connect" && evt.dir == "<"' \
    "${F[@]}" -e evt.num -e fd.name -e fd.cip.v6 -e fd.cport -e fd.sport -e fd.l4proto)
dt_expect_eq "IPv6 connect" "$out" \
    "$(printf '1154\t2001:db8::4:54405->2001:db8::3:1234\t2001:db8::4\t54405\t1234\ttcp')"
[[ $(count "$in" 'fd.sip.v6 == 2001:db8::/32') -gt 0 ]] || dt_fail "IPv6 prefix filter matches nothing"

# --- falco_connect_localhost.scap: IPv4 addresses, exact and CIDR
in=$(dt_input falco_connect_localhost.scap)
out=$(dt_tshark -r "$in" -Y 'fd.sip == 127.0.0.1' "${F[@]}" -e evt.num -e evt.type -e fd.name \
    -e fd.lip -e fd.rip -e fd.lport -e fd.rport -e fd.is_server)
dt_expect_eq "IPv4 connect" "$out" \
    "$(printf '187\tconnect\t127.0.0.1:47192->127.0.0.1:80\t127.0.0.1\t127.0.0.1\t47192\t80\t1')"
dt_expect_eq "IPv4 CIDR filter" "$(count "$in" 'fd.sip == 127.0.0.0/8')" 1
dt_expect_eq "IPv4 CIDR filter, no match" "$(count "$in" 'fd.sip == 10.0.0.0/8')" 0

# --- every file: no malformed frame, no dissector complaint
for f in "$BPFDIG_CORPUS"/*.scap; do
    name=$(basename "$f")
    in=$(dt_input "$name")
    bad=$(dt_tshark -r "$in" -Y '_ws.malformed || _ws.expert.severity >= 0x00800000' \
        "${F[@]}" -e frame.number -e _ws.expert.message | head -n 5)
    dt_quiet "$name"
    [[ -z "$bad" ]] || dt_fail "$name: malformed or error frames: $bad"
done

dt_finish
