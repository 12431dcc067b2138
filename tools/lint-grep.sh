#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Grep rules for what the compiler and clang-tidy do not catch: banned libc
# and libevent-compat calls, and fds created without close-on-exec.
#
#   tools/lint-grep.sh FILE...
#
# Prints "file:line: rule: text" per finding and exits 1 if there is any.
# Comments and the contents of string literals are ignored. A call spread
# over several lines is read up to its closing parenthesis. A line that ends
# with /* lint: allow */ is skipped (say why in a comment above it).
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: tools/lint-grep.sh FILE..." >&2
    exit 2
fi

exec awk '
function rule(name, call, need) {
    nrules++
    rname[nrules] = name
    # Not part of a longer name, not a member (x.open, x->open).
    rre[nrules] = "(^|[^A-Za-z0-9_.>])(" call ")[ \t]*\\("
    rneed[nrules] = need
}

BEGIN {
    # Banned outright.
    rule("sprintf (use snprintf and check truncation)", "v?sprintf", "")
    rule("strcpy (use snprintf or memcpy with a length)", "strcpy", "")
    rule("strcat (use snprintf)", "strcat", "")
    rule("gets (use fgets)", "gets", "")
    rule("atoi/atol (use pd_parse_int)", "atoi|atol|atoll", "")
    rule("strtok (use strtok_r or strsep)", "strtok", "")
    rule("system (use pd_spawn)", "system", "")
    rule("popen (use pd_spawn)", "popen", "")
    rule("signal (use sigaction, signalfd or evsignal_new)", "signal", "")
    rule("libevent compat call (use event_new/evsignal_new/evtimer_new)",
         "event_set|event_init|signal_set|evsignal_set|evtimer_set", "")
    rule("accept (use accept4 with SOCK_CLOEXEC)", "accept", "")
    rule("pipe (use pipe2 with O_CLOEXEC)", "pipe", "")
    rule("dup (use fcntl F_DUPFD_CLOEXEC)", "dup", "")
    # Allowed with a flag somewhere in the call.
    rule("socket without SOCK_CLOEXEC", "socket|socketpair", "SOCK_CLOEXEC")
    rule("open without O_CLOEXEC", "open|openat", "O_CLOEXEC")
    fopen_re = "(^|[^A-Za-z0-9_.>])fopen[ \t]*\\("
    found = 0
}

# Blank comments (which may span lines) and, in @plain, the contents of
# string and character literals, keeping every other character in place.
function strip(line,    out, plain, i, c, q) {
    out = ""; plain = ""; q = ""
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (in_comment) {
            if (c == "*" && substr(line, i + 1, 1) == "/") { in_comment = 0; i++ }
            continue
        }
        if (q != "") {
            out = out c
            if (c == "\\") { out = out substr(line, i + 1, 1); i++; continue }
            if (c == q) { q = ""; plain = plain c }
            continue
        }
        if (c == "/" && substr(line, i + 1, 1) == "*") { in_comment = 1; i++; continue }
        if (c == "/" && substr(line, i + 1, 1) == "/") break
        if (c == "\"" || c == "\047") q = c
        out = out c; plain = plain c
    }
    stripped = out
    return plain
}

# The text of a call from @col of line @i up to its closing parenthesis
# (at most 10 lines on).
function call_text(arr, i, col,    text, depth, j, k, c, s) {
    text = ""; depth = 0
    for (j = i; j <= nlines && j < i + 10; j++) {
        s = (j == i) ? substr(arr[j], col) : arr[j]
        for (k = 1; k <= length(s); k++) {
            c = substr(s, k, 1)
            text = text c
            if (c == "(") depth++
            else if (c == ")" && --depth == 0) return text
        }
        text = text " "
    }
    return text
}

function report(i, name,    t) {
    t = orig[i]
    sub(/^[ \t]+/, "", t)
    printf "%s:%d: %s: %s\n", file, i, name, t
    found++
}

function check(    i, r, m, text, mode) {
    for (i = 1; i <= nlines; i++) {
        if (orig[i] ~ /\/\* lint: allow \*\/[ \t]*$/)
            continue
        for (r = 1; r <= nrules; r++) {
            if (!match(plain[i], rre[r]))
                continue
            if (rneed[r] == "" || index(call_text(plain, i, RSTART), rneed[r]) == 0)
                report(i, rname[r])
        }
        if (match(plain[i], fopen_re)) {
            text = call_text(code, i, RSTART)
            if (match(text, /\([^,]*,[ \t]*"[^"]*"/)) {
                mode = substr(text, RSTART, RLENGTH)
                sub(/^[^"]*"/, "", mode)
                if (index(mode, "e") == 0)
                    report(i, "fopen without \"e\" in the mode (close-on-exec)")
            } else {
                report(i, "fopen with a mode that is not a literal")
            }
        }
    }
}

FNR == 1 {
    if (NR > 1)
        check()
    file = FILENAME; nlines = 0; in_comment = 0
}
{
    nlines++
    orig[nlines] = $0
    plain[nlines] = strip($0)
    code[nlines] = stripped
}
END {
    if (NR > 0)
        check()
    exit found > 0 ? 1 : 0
}
' "$@"
