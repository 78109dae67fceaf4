/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SCAPKIT_CONTAINER_INTERNAL_H
#define SCAPKIT_CONTAINER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* Metadata parsed from a container event, before interning into the state. */
struct sk_container_meta {
    char id[16];
    char full_id[72];
    char name[256];
    char image[512];
    char image_id[128];
    char type[32];
    char labels[2048];
    char label_list[2048]; /* "key=value" entries, each NUL-terminated */
    size_t label_list_len;
    char k8s_pod_name[256], k8s_ns_name[256], k8s_pod_uid[64];
    int privileged;
};

void sk_container_meta_init(struct sk_container_meta *m);
/* Parses {"container":{...}}; true when an id was found. */
bool sk_container_meta_from_json(const char *json, size_t len, struct sk_container_meta *m);

#endif
