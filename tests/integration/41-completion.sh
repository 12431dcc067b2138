#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Shell completion and man pages, as a user gets them: the bash script of
# `podctl completion bash` loaded in a bash that is not this test's, its
# function driven the way bash drives it (COMP_WORDS and COMP_CWORD set,
# COMPREPLY read back); names of a real podd's containers, pods, images and
# networks; the zsh and fish scripts loaded in those shells (zsh's function
# called as compsys calls it, fish driven by `complete -C`); nothing and
# exit 0 when podd is down; the man pages rendered by man(1) without a
# warning, naming every command and flag that podctl --help and podd --help
# name; and, once make install carries them, a DESTDIR install.
. "$(dirname "$0")/lib.sh"

# comp WORD...: what bash completes for `podctl WORD...`, the last
# word being the one typed (possibly ""), one candidate a line.
comp() {
    local script=$T/podctl.bash
    [ -s "$script" ] || podctl completion bash > "$script"
    bash --norc --noprofile -c '
        source "$1"
        shift
        COMP_WORDS=(podctl "$@")
        COMP_CWORD=$#
        COMP_LINE="podctl $*"
        COMP_POINT=${#COMP_LINE}
        _podctl
        printf "%s\n" "${COMPREPLY[@]}"' bash "$script" "$@"
}

with_names() {
    [ -d "$IMAGES/busybox" ] || fail "no $IMAGES/busybox: run make images"
    podd_start
    podctl image import busybox "$IMAGES/busybox" > /dev/null
    podctl pod create webpod > /dev/null
    podctl run -d --pod webpod --name sleeper busybox sleep 1000 > /dev/null
    podctl network create compnet > /dev/null
}

test_bash_completes_commands_and_flags() {
    local out
    out=$(bash --norc --noprofile -c 'source <(podctl completion bash) && complete -p podctl')
    assert_contains "$out" "-F _podctl"
    assert_eq stop "$(comp sto)"
    # compgen -F gives the function only the word: the commands complete.
    out=$(bash --norc --noprofile -c 'source <(podctl completion bash) && compgen -F _podctl -- sto' 2> /dev/null)
    assert_eq stop "$out"
    assert_eq "$(printf 'start\nstop\nstats')" "$(comp container st)"
    assert_eq "$(printf 'create\nls\ninspect\nstart\nstop\nrm\nport')" "$(comp pod "")"
    assert_eq --format "$(comp ps --fo)"
    # --filter comes with the ps filters; a flag of any name completes.
    if podctl ps --help | grep -q -- --filter; then
        assert_eq --filter "$(comp ps --fi)"
    fi
    assert_eq "$(printf 'table\njson')" "$(comp ps --format "")"
    # bash splits --format=j at '=' (COMP_WORDBREAKS) and replaces "j".
    assert_eq json "$(comp ps --format = j)"
    assert_eq "$(printf 'bash\nzsh\nfish')" "$(comp completion "")"
    # Hidden commands are neither listed nor completed.
    out=$(comp "")
    assert_contains "$out" completion
    assert_not_contains "$out" __complete
    assert_not_contains "$out" __man
    assert_not_contains "$(podctl --help)" __complete
    # A flag that takes a file: the shell completes file names.
    touch "$T/manifest-one.yaml"
    assert_eq "$T/manifest-one.yaml" "$(comp kube play "$T/manifest-o")"
}

test_bash_completes_names_from_podd() {
    with_names
    local id
    id=$(podctl inspect sleeper | json .0.id)
    assert_eq sleeper "$(comp logs "")"
    assert_eq sleeper "$(comp stop sle)"
    assert_eq "${id:0:12}" "$(comp logs "${id:0:3}")"
    assert_eq webpod "$(comp pod rm "")"
    assert_eq webpod "$(comp ps --pod "")"
    assert_eq webpod "$(comp ps --pod = w)"
    assert_contains "$(comp network rm "")" compnet
    assert_contains "$(comp run --network "")" compnet
    assert_contains "$(comp debug "")" webpod
    assert_contains "$(comp debug "")" sleeper
    assert_contains "$(comp run "")" busybox
    # The names are the ones podctl itself takes.
    podctl logs "$(comp logs "")" > /dev/null
    # --socket typed on the line wins over $PODD_SOCKET.
    assert_eq sleeper "$(PODD_SOCKET=$T/nothing.sock comp --socket "$T/run/podd.sock" logs "")"
}

test_names_with_podd_down_are_nothing() {
    local out
    PODD_SOCKET=$T/nothing.sock podctl __complete logs "" > "$T/out" 2> "$T/err"
    assert_eq ":" "$(cat "$T/out")"
    assert_eq "" "$(cat "$T/err")"
    out=$(PODD_SOCKET=$T/nothing.sock comp pod rm "")
    assert_eq "" "$out"
}

test_unknown_shell_is_a_usage_error() {
    assert_exit 125 podctl completion tcsh
    assert_one_line "$LAST_ERR"
    assert_contains "$LAST_ERR" tcsh
    assert_eq "" "$LAST_OUT"
    assert_exit 125 podctl completion
}

test_zsh_script_loads_and_completes() {
    command -v zsh > /dev/null || fail "no zsh: make deps"
    with_names
    podctl completion zsh > "$T/_podctl"
    zsh -n "$T/_podctl"
    local out
    out=$(zsh -f -c 'autoload -U compinit && compinit -u -d "$1/zcompdump" &&
        source "$1/_podctl" && print -r -- $_comps[podctl]' zsh "$T")
    assert_eq _podctl "$out"
    # The function as zsh's completion calls it: $words and $CURRENT set,
    # compadd's words printed.
    zshc() {
        zsh -f -c 'compdef() { :; }; source "$1"; shift
            compadd() { shift $(( ${@[(i)--]} )); print -l -- "$@"; }
            words=("$@"); CURRENT=$#; _podctl' zsh "$T/_podctl" "$@"
    }
    assert_eq "$(printf 'start\nstop\nstats')" "$(zshc podctl container st)"
    assert_eq sleeper "$(zshc podctl logs "")"
    assert_eq webpod "$(zshc podctl pod rm "")"
}

test_fish_script_completes() {
    command -v fish > /dev/null || fail "no fish: make deps"
    with_names
    podctl completion fish > "$T/podctl.fish"
    fish -n "$T/podctl.fish"
    fishc() { HOME=$T fish --no-config -c "source $T/podctl.fish; complete -C '$1'" | cut -f1; }
    assert_eq stop "$(fishc 'podctl sto')"
    assert_eq sleeper "$(fishc 'podctl logs ')"
    assert_eq webpod "$(fishc 'podctl pod rm ')"
    assert_contains "$(fishc 'podctl network rm ')" compnet
}

# man_text PAGE: the page as man renders it, wide enough for one line a
# heading; its warnings in $T/man.err.
man_text() {
    MANWIDTH=200 LC_ALL=C.UTF-8 man --warnings -l "$1" 2> "$T/man.err"
}

test_man_pages_render_every_command_and_flag() {
    podctl __man > "$T/podctl.1"
    podd --man > "$T/podd.8"
    # The pages the build installs are these.
    if [ -f "$PODD_BUILD/man/podctl.1" ]; then
        cmp "$T/podctl.1" "$PODD_BUILD/man/podctl.1"
        cmp "$T/podd.8" "$PODD_BUILD/man/podd.8"
    fi
    local page text cmd flag
    for page in "$T/podctl.1" "$T/podd.8"; do
        text=$(man_text "$page")
        assert_eq "" "$(cat "$T/man.err")" "man's warnings on $(basename "$page")"
        assert_eq "" "$(groff -ww -z -man "$page" 2>&1)" "groff's warnings"
        for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES "SEE ALSO"; do
            assert_contains "$text" "$(printf '\n%s\n' "$section")"
        done
    done
    text=$(man_text "$T/podctl.1")
    assert_contains "$text" "COMMANDS"
    for cmd in $(podctl --help | awk '/^Commands:/ {on = 1; next} on && !NF {exit} on {print $1}'); do
        assert_contains "$text" "podctl $cmd " "podctl.1 on $cmd"
    done
    for cmd in 125 126 127; do assert_contains "$text" "$cmd"; done
    text=$(man_text "$T/podd.8")
    for flag in $(podd --help | awk '$1 ~ /^--/ {print $1}'); do
        assert_contains "$text" "$flag" "podd.8 on $flag"
    done
}

# make install into a DESTDIR under $T: the pages and the scripts where
# man and each shell look, and man finds the page there.
test_install_holds_pages_and_completions() {
    local repo dest=$T/dest f
    repo=$(cd "$PODD_BUILD/../.." && pwd)
    if ! grep -q 'share/man' "$repo/Makefile" "$repo"/tools/install.sh 2> /dev/null; then
        echo "    skipped: make install does not install man pages yet" >&2
        return 0
    fi
    make -s -C "$repo" VARIANT="$(basename "$PODD_BUILD")" install DESTDIR="$dest" PREFIX=/usr > /dev/null
    for f in share/man/man1/podctl.1 share/man/man8/podd.8 \
        share/bash-completion/completions/podctl share/zsh/site-functions/_podctl \
        share/fish/vendor_completions.d/podctl.fish; do
        [ -s "$dest/usr/$f" ] || fail "make install left no $f"
    done
    cmp "$dest/usr/share/bash-completion/completions/podctl" <(podctl completion bash)
    assert_contains "$(MANPATH=$dest/usr/share/man MANWIDTH=80 man podctl 2> /dev/null)" "podctl pod COMMAND"
}

run_tests
