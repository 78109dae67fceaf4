#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# An OCI runtime for podman (podman --runtime THIS): runc, with the container's
# cgroup named ".../libpod-<id>.scope", the layout podman's systemd cgroup
# manager gives, on a host without systemd. Readers that know only that
# podman layout (sysdig 0.29) then see the containers. Everything else goes
# to runc unchanged.
bundle=""
prev=""
for a in "$@"; do
    if [ "$prev" = "--bundle" ] || [ "$prev" = "-b" ]; then
        bundle=$a
    fi
    prev=$a
done
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
    python3 - "$bundle/config.json" <<'PY' || exit 1
import json, re, sys
path = sys.argv[1]
with open(path) as f:
    config = json.load(f)
cg = config.get("linux", {}).get("cgroupsPath", "")
if re.search(r"/libpod-[0-9a-f]{64}$", cg):
    config["linux"]["cgroupsPath"] = cg + ".scope"
    with open(path, "w") as f:
        json.dump(config, f)
PY
fi
exec runc "$@"
