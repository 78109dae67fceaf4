#!/bin/bash
# Install the Debian packages bpfdig needs to build, test and run (as root).
#   scripts/install-deps.sh [--gui]   (--gui adds what the GUI screenshot tests need)
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: run as root (sudo $0)" >&2
    exit 1
fi

packages=(
    build-essential cmake pkg-config python3 git ca-certificates
    zlib1g-dev libglib2.0-dev
    tshark wireshark-common wireshark-dev libwireshark-dev libwiretap-dev libwsutil-dev
    dpkg-dev xz-utils bzip2
    clang llvm lld libclang-rt-dev libbpf-dev bpftool libelf-dev libssh-dev
    sysdig debootstrap
    podman runc busybox-static uidmap catatonit fuse-overlayfs slirp4netns containernetworking-plugins
    openssh-server openssh-client sudo bc time procps iproute2 file
)
if [ "${1:-}" = "--gui" ]; then
    packages+=(wireshark-qt xvfb xauth x11-utils xdotool imagemagick)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps.sh: all packages present"
    exit 0
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# tshark asks whether non-root users may capture; the default answer is fine.
apt-get install -y -q --no-install-recommends "${missing[@]}"
