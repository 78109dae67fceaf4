#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Container labels and the Kubernetes fields derived from them:
#   * container.labels (all labels, "k:v, k:v") and container.label (one
#     "key=value" occurrence per label) on psp_run_as_user_0_container.scap,
#     whose nginx container carries one label;
#   * the same capture with its container event relabelled (scapcut.py labels):
#     k8s.pod.name/ns.name/pod.uid from the io.kubernetes.* labels, one
#     container.label per label even when a value holds ':' and ', ', and
#     container.label == "key=value" as the filter for falco's
#     container.label.<key>;
#   * container.label.<key> for the keys of the label_keys preference: the
#     defaults (app, maintainer, app.kubernetes.io/name as ..._name), a key
#     added with -o bpfdig.label_keys, and none for a key left out;
#   * host processes carry none of these fields.
source "$(dirname "$0")/common.sh"
dt_need_corpus
dt_need python3
dt_setup
SRC=$BPFDIG_CORPUS/psp_run_as_user_0_container.scap
[[ -f "$SRC" ]] || dt_skip "no psp_run_as_user_0_container.scap in the corpus"

F=(-T fields -E separator=/t -E occurrence=a -E aggregator='|')
in=$(dt_input psp_run_as_user_0_container.scap)
MAINT="NGINX Docker Maintainers <docker-maint@nginx.com>"

# --- the corpus file as it is
out=$(dt_tshark -r "$in" -Y 'container.id == "697956520d89"' "${F[@]}" -e container.labels \
    -e container.label -e k8s.pod.name -e k8s.ns.name -e k8s.pod.uid | sort -u)
dt_quiet "corpus labels"
dt_expect_eq "container events' labels" "$out" \
    "$(printf 'maintainer:%s\tmaintainer=%s\t\t\t' "$MAINT" "$MAINT")"
n=$(dt_tshark -r "$in" -Y "container.label == \"maintainer=$MAINT\"" | wc -l)
all=$(dt_tshark -r "$in" -Y 'container.id == "697956520d89"' | wc -l)
dt_log "corpus: container.label == \"maintainer=...\" selects $n of the container's $all frames"
[[ $n -gt 400 && $n -eq $all ]] || dt_fail "container.label filter: $n frames, the container has $all"
n=$(dt_tshark -r "$in" -Y 'container.id == "host" && (container.label || container.labels)' | wc -l)
dt_expect_eq "host frames with label fields" "$n" 0
n=$(dt_tshark -r "$in" -Y 'container.label == "maintainer=nobody"' | wc -l)
dt_expect_eq "frames of a label value nobody has" "$n" 0

# --- relabelled: Kubernetes labels and a value with ':' and ', '
labels='{"app":"web","io.kubernetes.pod.name":"web-7d4b9c-x2x","io.kubernetes.pod.namespace":"shop",'
labels+='"io.kubernetes.pod.uid":"0d5485a2-9f2b-11e7-a1ba-507b9d85a8c2","note":"a:b, c=d",'
labels+='"app.kubernetes.io/name":"shop-web","team":"blue"}'
k8s=$(tu_output k8s.scap)
python3 "$DT_DIR/scapcut.py" labels "$SRC" "$k8s" "$labels" || dt_fail "scapcut.py labels failed"
chmod 644 "$k8s"
out=$(dt_tshark -r "$k8s" -Y 'k8s.pod.name' "${F[@]}" -e container.name -e k8s.pod.name \
    -e k8s.ns.name -e k8s.pod.uid -e container.label | sort -u)
dt_quiet "relabelled capture"
want=$(printf 'hopeful_taussig\tweb-7d4b9c-x2x\tshop\t0d5485a2-9f2b-11e7-a1ba-507b9d85a8c2\t%s' \
    'app=web|io.kubernetes.pod.name=web-7d4b9c-x2x|io.kubernetes.pod.namespace=shop|io.kubernetes.pod.uid=0d5485a2-9f2b-11e7-a1ba-507b9d85a8c2|note=a:b, c=d|app.kubernetes.io/name=shop-web|team=blue')
dt_expect_eq "k8s fields and labels" "$out" "$want"
out=$(dt_tshark -r "$k8s" -Y 'k8s.pod.name' "${F[@]}" -e container.labels | sort -u)
dt_expect_eq "container.labels" "$out" \
    "app:web, io.kubernetes.pod.name:web-7d4b9c-x2x, io.kubernetes.pod.namespace:shop, io.kubernetes.pod.uid:0d5485a2-9f2b-11e7-a1ba-507b9d85a8c2, note:a:b, c=d, app.kubernetes.io/name:shop-web, team:blue"
labelled=$(dt_tshark -r "$k8s" -Y 'container.label == "app=web"' | wc -l)
[[ $labelled -gt 400 ]] || dt_fail "container.label == \"app=web\": only $labelled frames"
# frames_are WANT FILTER...: each display filter selects WANT frames of $k8s
frames_are() {
    local want=$1 f n
    shift
    for f in "$@"; do
        n=$(dt_tshark -r "$k8s" -Y "$f" | wc -l)
        dt_expect_eq "frames of '$f'" "$n" "$want"
    done
}
frames_are "$labelled" 'container.label == "note=a:b, c=d"' \
    'k8s.ns.name == "shop" && container.label == "app=web"' \
    'container.label matches "(?-i)^app=web$"' 'k8s.pod.uid contains "507b9d85a8c2"'
frames_are 0 'container.label == "app=Web"' 'container.label == "app"' 'container.label == "c=d"' \
    'container.label == "note=a:b"'
dt_log "relabelled: $labelled frames with app=web, k8s.* and 7 labels each"

# --- container.label.<key>
out=$(dt_tshark -r "$in" -Y 'container.label.maintainer' "${F[@]}" -e container.label.maintainer |
    sort -u)
dt_expect_eq "corpus: container.label.maintainer" "$out" "$MAINT"
frames_are "$labelled" 'container.label.app == "web"' \
    'container.label.app.kubernetes.io_name == "shop-web"' \
    'container.label.io.kubernetes.pod.namespace == "shop" && container.label.app'
frames_are 0 'container.label.app == "Web"' 'container.label.app == "shop-web"' \
    'container.label.version' 'container.id == "host" && container.label.app'
out=$(dt_tshark -r "$k8s" -Y 'container.label.app' "${F[@]}" -e container.label.app \
    -e container.label.app.kubernetes.io_name | sort -u)
dt_expect_eq "-e container.label.<key>" "$out" "$(printf 'web\tshop-web')"
# a key of the preference only: unknown without it, filterable with it
dt_tshark -r "$k8s" -Y 'container.label.team == "blue"' >/dev/null 2>"$TU_HOME/team.err" &&
    dt_fail "container.label.team is a field without -o bpfdig.label_keys"
n=$(dt_tshark -o 'bpfdig.label_keys:team,note' -r "$k8s" \
    -Y 'container.label.team == "blue" && container.label.note == "a:b, c=d"' | wc -l)
[[ $n -eq $labelled ]] || dt_fail "-o bpfdig.label_keys:team,note: $n frames, 'app=web' has $labelled"
dt_log "container.label.<key>: app, maintainer, app.kubernetes.io_name by default, team and note with -o: $n frames"
dt_finish
