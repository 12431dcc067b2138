#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Helpers the bench scripts share (sourced): a figure's median and range,
# one row of output, and a process's memory and descriptors. bench.sh has
# its own copies of the first ones; it can source this file instead.

# stats: read numbers (one a line), print "median (min-max)" with 2 decimals.
stats() {
    sort -g | awk '{v[NR] = $1} END {
        if (NR == 0) { print "n/a"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f (%.2f-%.2f)", m, v[1], v[NR] }'
}

row() {
    printf '%-50s %s\n' "$1" "$2"
}

rss_kib() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

fd_count() {
    find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}
