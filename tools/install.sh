#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make install / make uninstall.
#
#   tools/install.sh install PROGRAM... -- NETPLUG -- UNIT_IN -- DOC_FILE...
#   tools/install.sh uninstall
#
# Environment (from the Makefile): DESTDIR, PREFIX, BINDIR, CNI_BINDIR,
# UNITDIR, GROUP. DOC_FILEs are man pages (NAME.1, NAME.8) and completion
# files (podctl.bash, _podctl, podctl.fish), put where man and each shell
# look.
#
# install writes a manifest, $PREFIX/share/podd/installed, of exactly what it
# put there: "file PATH" for each file, "dir PATH" for each directory it
# created, "group NAME" when it created the group (only when DESTDIR is
# empty: for a staged install a package's postinst makes it). uninstall
# removes those files, then those directories when empty, then the group.
# A reinstall keeps what the first install created.
set -euo pipefail

: "${PREFIX:=/usr/local}" "${DESTDIR:=}" "${GROUP:=podd}"
: "${BINDIR:=$PREFIX/bin}" "${CNI_BINDIR:=/opt/cni/bin}"
: "${UNITDIR:=$PREFIX/lib/systemd/system}"
MANIFEST=$PREFIX/share/podd/installed

die() {
    echo "install.sh: $*" >&2
    exit 1
}

NEW=()
# note LINE: one manifest line, once.
note() {
    local l
    for l in "${NEW[@]}"; do [ "$l" != "$1" ] || return 0; done
    NEW+=("$1")
}

# mkdirs DIR: mkdir -p under DESTDIR, noting each directory made.
mkdirs() {
    local d=$1 made=()
    while [ ! -d "$DESTDIR$d" ] && [ "$d" != / ]; do
        made=("$d" "${made[@]}")
        d=$(dirname "$d")
    done
    for d in "${made[@]}"; do
        mkdir -m 0755 "$DESTDIR$d"
        note "dir $d"
    done
}

# put SRC DEST MODE
put() {
    mkdirs "$(dirname "$2")"
    install -m "$3" "$1" "$DESTDIR$2"
    note "file $2"
}

# doc_dest FILE: where a man page or completion file goes.
doc_dest() {
    local b
    b=$(basename "$1")
    case $b in
    *.[1-8]) echo "$PREFIX/share/man/man${b##*.}/$b" ;;
    *.bash) echo "$PREFIX/share/bash-completion/completions/${b%.bash}" ;;
    _*) echo "$PREFIX/share/zsh/site-functions/$b" ;;
    *.fish) echo "$PREFIX/share/fish/vendor_completions.d/$b" ;;
    *) die "$1: neither a man page nor a completion file" ;;
    esac
}

do_install() {
    local f part=0 tmp
    # A staging dir is the packager's, not part of what is installed.
    [ -z "$DESTDIR" ] || mkdir -p "$DESTDIR"
    # What an earlier install made stays recorded (its dirs, its group).
    if [ -f "$DESTDIR$MANIFEST" ]; then
        while IFS= read -r f; do
            case $f in dir\ * | group\ *) note "$f" ;; esac
        done < "$DESTDIR$MANIFEST"
    fi
    for f in "$@"; do
        if [ "$f" = -- ]; then
            part=$((part + 1))
            continue
        fi
        case $part in
        0) put "$f" "$BINDIR/$(basename "$f")" 0755 ;;
        1) put "$f" "$CNI_BINDIR/$(basename "$f")" 0755 ;;
        2)
            mkdirs "$UNITDIR"
            sed "s|@BINDIR@|$BINDIR|g" "$f" > "$DESTDIR$UNITDIR/podd.service"
            chmod 0644 "$DESTDIR$UNITDIR/podd.service"
            note "file $UNITDIR/podd.service"
            ;;
        3) put "$f" "$(doc_dest "$f")" 0644 ;;
        *) die "too many -- parts" ;;
        esac
    done
    if [ -z "$DESTDIR" ] && ! getent group "$GROUP" > /dev/null; then
        groupadd --system "$GROUP"
        note "group $GROUP"
        echo "created group $GROUP: its members may use podd's sockets (root-equivalent)"
    fi
    mkdirs "$(dirname "$MANIFEST")"
    tmp=$DESTDIR$MANIFEST.tmp
    printf '%s\n' "${NEW[@]}" > "$tmp"
    mv "$tmp" "$DESTDIR$MANIFEST"
}

do_uninstall() {
    local kind path dirs=() group=
    [ -f "$DESTDIR$MANIFEST" ] || die "nothing to uninstall: no $DESTDIR$MANIFEST"
    while read -r kind path; do
        case $kind in
        file) rm -f "$DESTDIR$path" ;;
        dir) dirs=("$path" "${dirs[@]}") ;;
        group) group=$path ;;
        esac
    done < "$DESTDIR$MANIFEST"
    rm -f "$DESTDIR$MANIFEST"
    # Deepest first (they were noted parents first); a dir holding what
    # install did not put there stays.
    for path in "${dirs[@]}"; do
        rmdir "$DESTDIR$path" 2> /dev/null || true
    done
    if [ -n "$group" ] && [ -z "$DESTDIR" ] && getent group "$group" > /dev/null; then
        groupdel "$group"
    fi
}

case ${1:-} in
install)
    shift
    do_install "$@"
    ;;
uninstall) do_uninstall ;;
*) die "usage: install.sh install PROGRAM... -- NETPLUG -- UNIT_IN -- DOC_FILE... | uninstall" ;;
esac
