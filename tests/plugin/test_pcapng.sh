#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Ordinary pcapng files are left to the pcapng reader while the plugin is
# loaded: SHB 1.0 followed by an interface block is not claimed.
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_need randpkt text2pcap
pt_setup

# randpkt writes pcap: convert it (editcap writes pcapng by default).
rnd_pcap=$(tu_output random.pcap)
rnd=$(tu_output random.pcapng)
tu_run randpkt -b 300 -c 50 -t tcp "$rnd_pcap" || pt_fail "randpkt failed"
tu_editcap "$rnd_pcap" "$rnd" || pt_fail "editcap to pcapng failed"
txt="$TU_HOME/in/hex.txt"
printf '0000 ff ff ff ff ff ff 00 11 22 33 44 55 08 06 00 01\n0010 08 00 06 04 00 01\n' >"$txt"
chmod 644 "$txt"
t2p=$(tu_output text2pcap.pcapng)
tu_run text2pcap -q "$txt" "$t2p" >/dev/null 2>&1 || pt_fail "text2pcap failed"

for f in "$rnd" "$t2p"; do
    info=$(tu_capinfos -t -c "$f" 2>&1)
    grep -q 'File type: *Wireshark/... - pcapng' <<<"$info" ||
        pt_fail "$(basename "$f"): not read as pcapng: $info"
    frames=$(tu_tshark -r "$f" 2>/dev/null | grep -c .)
    packets=$(sed -n 's/^Number of packets: *//p' <<<"$info")
    [[ "$frames" == "$packets" && "$frames" -gt 0 ]] ||
        pt_fail "$(basename "$f"): tshark shows $frames frames, capinfos $packets packets"
done

pt_finish
