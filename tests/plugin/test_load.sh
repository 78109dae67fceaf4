#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The wiretap plugin loads as an unprivileged user, registers the "scap"
# file type, and offers it for writing (tshark -F, editcap -F; the GUI's
# "Save As" uses the same writable-type table).
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
pt_setup

plugins=$(tu_tshark -G plugins 2>&1)
grep -q "bpfdig_scap.so.*file type" <<<"$plugins" ||
    pt_fail "tshark -G plugins does not list bpfdig_scap.so as a file type plugin"

types=$(tu_tshark -F 2>&1)
grep -q '^ *scap - Sysdig/Falco scap (bpfdig)$' <<<"$types" ||
    pt_fail "tshark -F does not list the scap output type"
types=$(tu_editcap -F 2>&1)
grep -q '^ *scap - Sysdig/Falco scap (bpfdig)$' <<<"$types" ||
    pt_fail "editcap -F does not list the scap output type"

pt_finish
