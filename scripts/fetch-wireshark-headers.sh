#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-wireshark-headers.sh - provide the Wireshark headers a file-type
# (wiretap) plugin needs but Debian's libwireshark-dev 4.0 does not install:
#   wiretap/wtap-int.h   (struct wtap, struct wtap_dumper, wtap_read_bytes ...)
#   wsutil/file_util.h   (included by the installed wiretap/file_wrappers.h)
# They are taken from the source of the exact Wireshark version installed,
# because struct wtap's layout is part of the plugin ABI.
#
# Usage: fetch-wireshark-headers.sh <debian-version> <outdir>
#   <debian-version>  e.g. 4.0.17-0+deb12u3
#                     (dpkg-query -W -f='${Version}' libwireshark-dev)
#   <outdir>          receives wiretap/wtap-int.h and wsutil/file_util.h
#
# Source of the headers, first match wins:
#   1. $BPFDIG_WS_SOURCE_TARBALL: a Wireshark source tarball already on disk
#      (Debian's wireshark_<upstream>.orig.tar.* or upstream's
#      wireshark-<upstream>.tar.xz) of the same upstream version;
#   2. Debian's source package: `apt-get source --download-only
#      wireshark=<debian-version>` in a temporary directory. This needs a
#      deb-src entry; when run as root and none provides the package, the
#      script writes /etc/apt/sources.list.d/bpfdig-src.sources (deb-src
#      twins of the suites apt already uses: any Debian or Ubuntu release,
#      so 4.2/4.4 too) and runs apt-get update.
# Exit status: 0 on success, 1 with a message on stderr otherwise.
set -euo pipefail

SRC_LIST=/etc/apt/sources.list.d/bpfdig-src.sources
WORK_DIR=""
HEADERS=(wiretap/wtap-int.h wsutil/file_util.h)

die() {
    echo "fetch-wireshark-headers: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 <debian-version> <outdir>" >&2
    exit 1
}

# 4.0.17-0+deb12u3 -> 4.0.17 (drop an epoch and the Debian revision)
upstream_version() {
    local v=${1#*:}
    echo "${v%-*}"
}

have_all_headers() {
    local h
    for h in "${HEADERS[@]}"; do
        [[ -s "$1/$h" ]] || return 1
    done
}

# Is the wanted source version known to apt?
apt_knows_source() {
    local versions
    versions=$(apt-cache showsrc wireshark 2>/dev/null | sed -n 's/^Version: //p') || return 1
    grep -qxF "$1" <<<"$versions"
}

# deb-src entries for the suites apt already uses (any Debian or Ubuntu
# release), from the deb822 and one-line source lists; bookworm's as a fallback.
write_deb_src() {
    local f found=""
    {
        echo "# Written by bpfdig scripts/fetch-wireshark-headers.sh: the source packages"
        echo "# of the suites in the apt sources, used to fetch Wireshark's private headers."
        for f in /etc/apt/sources.list.d/*.sources; do
            [[ -f "$f" && "$f" != "$SRC_LIST" ]] || continue
            # every stanza whose Types include "deb", as deb-src
            awk 'BEGIN{RS=""; ORS="\n\n"} /(^|\n)Types:[^\n]*(^| )deb( |$|\n)/ {
                     sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [[ -f "$f" ]] || continue
            sed -n 's/^deb \(.*\)$/deb-src \1/p' "$f"
        done
    } >"$SRC_LIST.tmp"
    grep -qE '^(Types: deb-src|deb-src )' "$SRC_LIST.tmp" && found=1
    if [[ -n "$found" ]]; then
        # one-line entries cannot live in a .sources file
        if grep -q '^deb-src ' "$SRC_LIST.tmp"; then
            grep -v '^deb-src ' "$SRC_LIST.tmp" >"$SRC_LIST"
            grep '^deb-src ' "$SRC_LIST.tmp" >"${SRC_LIST%.sources}.list"
        else
            mv "$SRC_LIST.tmp" "$SRC_LIST"
        fi
        rm -f "$SRC_LIST.tmp"
        return 0
    fi
    rm -f "$SRC_LIST.tmp"
    cat >"$SRC_LIST" <<'EOF'
# Written by bpfdig scripts/fetch-wireshark-headers.sh: Debian source
# packages, used to fetch Wireshark's private wiretap headers.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

ensure_deb_src() {
    local version=$1
    apt_knows_source "$version" && return 0
    if [[ $(id -u) -ne 0 ]]; then
        die "apt knows no source package wireshark=$version. Add a deb-src entry" \
            "(as root: rerun this script, it writes $SRC_LIST), or download the" \
            "Wireshark $(upstream_version "$version") source tarball and set" \
            "BPFDIG_WS_SOURCE_TARBALL=/path/to/it"
    fi
    echo "fetch-wireshark-headers: writing $SRC_LIST and running apt-get update" >&2
    write_deb_src
    apt-get update -qq >&2 || die "apt-get update failed (no network?)"
    apt_knows_source "$version" ||
        die "no source package wireshark=$version in the Debian archive; set" \
            "BPFDIG_WS_SOURCE_TARBALL to a Wireshark $(upstream_version "$version") source tarball"
}

# Download the source package into $1; print the orig tarball's path.
download_source() {
    local version=$1 dir=$2 tarball
    ensure_deb_src "$version"
    (cd "$dir" && apt-get source --download-only -qq "wireshark=$version" >&2) ||
        die "apt-get source --download-only wireshark=$version failed (no network?)"
    tarball=$(find "$dir" -maxdepth 1 -name 'wireshark_*.orig.tar.*' | head -n 1)
    [[ -n "$tarball" ]] || die "no orig tarball among the downloaded source files"
    warn_debian_patches "$dir"
    echo "$tarball"
}

# Debian patches touching the headers would make the orig copy inexact.
warn_debian_patches() {
    local dir=$1 deb h
    deb=$(find "$dir" -maxdepth 1 -name 'wireshark_*.debian.tar.*' | head -n 1)
    [[ -n "$deb" ]] || return 0
    for h in "${HEADERS[@]}"; do
        if tar -xOf "$deb" --wildcards 'debian/patches/*' 2>/dev/null | grep "^+++ .*$h" >/dev/null; then
            echo "fetch-wireshark-headers: warning: a Debian patch modifies $h;" \
                "the unpatched upstream copy is used" >&2
        fi
    done
}

# Extract the headers (whatever the tarball's top directory is called).
extract_headers() {
    local tarball=$1 outdir=$2 tmp=$3 h found
    mkdir -p "$tmp/x"
    tar -xf "$tarball" -C "$tmp/x" --wildcards \
        "${HEADERS[@]/#/*/}" 2>/dev/null ||
        die "could not extract ${HEADERS[*]} from $tarball"
    for h in "${HEADERS[@]}"; do
        found=$(find "$tmp/x" -path "*/$h" | head -n 1)
        [[ -n "$found" ]] || die "$tarball has no $h"
        mkdir -p "$outdir/$(dirname "$h")"
        cp "$found" "$outdir/$h"
    done
}

main() {
    [[ $# -eq 2 ]] || usage
    local version=$1 outdir=$2 upstream tarball
    upstream=$(upstream_version "$version")
    [[ -n "$upstream" ]] || usage

    if have_all_headers "$outdir" && [[ "$(cat "$outdir/VERSION" 2>/dev/null)" == "$version" ]]; then
        return 0
    fi
    WORK_DIR=$(mktemp -d)
    trap 'rm -rf "$WORK_DIR"' EXIT
    # apt's sandbox user must be able to reach the download directory.
    chmod 755 "$WORK_DIR"

    if [[ -n "${BPFDIG_WS_SOURCE_TARBALL:-}" ]]; then
        tarball=$BPFDIG_WS_SOURCE_TARBALL
        [[ -r "$tarball" ]] || die "BPFDIG_WS_SOURCE_TARBALL=$tarball is not readable"
        case "$(basename "$tarball")" in
        *"$upstream"*) ;;
        *) echo "fetch-wireshark-headers: warning: $tarball does not look like" \
                "Wireshark $upstream" >&2 ;;
        esac
    else
        command -v apt-get >/dev/null ||
            die "no apt-get: set BPFDIG_WS_SOURCE_TARBALL to a Wireshark $upstream source tarball"
        mkdir -p "$WORK_DIR/dl"
        chmod 777 "$WORK_DIR/dl"
        tarball=$(download_source "$version" "$WORK_DIR/dl")
    fi
    extract_headers "$tarball" "$outdir" "$WORK_DIR"
    echo "$version" >"$outdir/VERSION"
    echo "fetch-wireshark-headers: ${HEADERS[*]} of Wireshark $upstream in $outdir" >&2
}

main "$@"
