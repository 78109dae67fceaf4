#!/bin/bash
# skfields-dump.sh FILE - the scapkit library's own view of FILE (no Wireshark),
# in the format compare.py reads. SKFIELDS names the skfields binary.
set -euo pipefail
exec "${SKFIELDS:?set SKFIELDS to the skfields binary}" -n "$1"
