/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl completion bash|zsh|fish`: the completion script of a shell, on
 * stdout. Each one only collects the words typed so far and asks `podctl
 * __complete` (complete.c) for the candidates: its last line of output is
 * the directive (":files" lets the shell complete file names), the lines
 * before it the candidates. The podctl called is the one typed, so a
 * build's podctl completes as the installed one does.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* bash: the words of COMP_WORDS up to COMP_CWORD, with the pieces bash
 * split at '=' and ':' (COMP_WORDBREAKS) joined again; the replies are cut
 * back to the piece bash replaces. */
static const char bash_script[] =
    "# podctl completion for bash: source it, or install it as\n"
    "# $PREFIX/share/bash-completion/completions/podctl\n"
    "_podctl() {\n"
    "\tlocal i w glue=0 out dir cur pre\n"
    "\tlocal -a words=() cands=()\n"
    "\t# compgen -F leaves COMP_WORDS empty: only the word itself is known\n"
    "\tif ((${COMP_CWORD:--1} < 1)); then\n"
    "\t\tlocal -a COMP_WORDS=(podctl \"$2\")\n"
    "\t\tlocal COMP_CWORD=1\n"
    "\tfi\n"
    "\tfor ((i = 1; i <= COMP_CWORD; i++)); do\n"
    "\t\tw=${COMP_WORDS[i]}\n"
    "\t\tif ((${#words[@]} > 0)) && [[ $w == [=:] || $glue == 1 ]]; then\n"
    "\t\t\twords[-1]+=$w\n"
    "\t\telse\n"
    "\t\t\twords+=(\"$w\")\n"
    "\t\tfi\n"
    "\t\tglue=0\n"
    "\t\t[[ $w == [=:] ]] && glue=1\n"
    "\tdone\n"
    "\t((${#words[@]} > 0)) || words=(\"\")\n"
    "\tcur=${COMP_WORDS[COMP_CWORD]}\n"
    "\t[[ $cur == [=:] ]] && cur=\n"
    "\tpre=${words[-1]%\"$cur\"}\n"
    "\tout=$(\"${COMP_WORDS[0]}\" __complete \"${words[@]}\" 2>/dev/null) || return 0\n"
    "\tmapfile -t cands <<<\"$out\"\n"
    "\tdir=${cands[-1]}\n"
    "\tunset 'cands[-1]'\n"
    "\tCOMPREPLY=()\n"
    "\tfor w in \"${cands[@]}\"; do\n"
    "\t\t[[ $w == \"$pre\"* ]] && COMPREPLY+=(\"${w#\"$pre\"}\")\n"
    "\tdone\n"
    "\tif ((${#COMPREPLY[@]} == 0)) && [[ $dir == :files ]]; then\n"
    "\t\tcompopt -o filenames 2>/dev/null\n"
    "\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
    "\tfi\n"
    "\treturn 0\n"
    "}\n"
    "complete -F _podctl podctl\n";

/* zsh: a #compdef file for $fpath, or `source <(podctl completion zsh)`
 * after compinit. */
static const char zsh_script[] =
    "#compdef podctl\n"
    "# podctl completion for zsh: put it in $fpath as _podctl, or\n"
    "# source <(podctl completion zsh) after compinit\n"
    "_podctl() {\n"
    "\tlocal out dir\n"
    "\tlocal -a cands\n"
    "\tout=$(${words[1]} __complete \"${(@)words[2,CURRENT]}\" 2>/dev/null) || return 1\n"
    "\tcands=(\"${(@f)out}\")\n"
    "\tdir=${cands[-1]}\n"
    "\tcands[-1]=()\n"
    "\tif (( ${#cands} )); then\n"
    "\t\tcompadd -Q -- \"${cands[@]}\"\n"
    "\telif [[ $dir == :files ]]; then\n"
    "\t\t_files\n"
    "\telse\n"
    "\t\treturn 1\n"
    "\tfi\n"
    "}\n"
    "if [[ ${funcstack[1]} == _podctl ]]; then\n"
    "\t_podctl \"$@\"\n"
    "else\n"
    "\tcompdef _podctl podctl\n"
    "fi\n";

static const char fish_script[] = "# podctl completion for fish: source it, or install it as\n"
				  "# $PREFIX/share/fish/vendor_completions.d/podctl.fish\n"
				  "function __podctl_complete\n"
				  "\tset -l cur (commandline -ct)\n"
				  "\tset -l words (commandline -opc) \"$cur\"\n"
				  "\tset -l out ($words[1] __complete $words[2..-1] 2>/dev/null)\n"
				  "\tor return\n"
				  "\ttest (count $out) -gt 0\n"
				  "\tor return\n"
				  "\tset -l dir $out[-1]\n"
				  "\tset -e out[-1]\n"
				  "\tif test (count $out) -gt 0\n"
				  "\t\tprintf '%s\\n' $out\n"
				  "\telse if test \"$dir\" = :files\n"
				  "\t\t__fish_complete_path \"$cur\"\n"
				  "\tend\n"
				  "end\n"
				  "complete -c podctl -f -a '(__podctl_complete)'\n";

static const struct {
	const char *shell;
	const char *script;
} scripts[] = {
    {"bash", bash_script},
    {"zsh", zsh_script},
    {"fish", fish_script},
};

static const struct flag_spec completion_flags[] = {
    {.name = NULL},
};

static const struct cmd_usage completion_usage = {
    .name = "completion",
    .operands = "bash|zsh|fish",
    .summary = "Print the completion script of a shell: `source <(podctl completion bash)`\n"
	       "in a shell, or see the files `make install` puts in place.",
    .flags = completion_flags,
    .min_operands = 1,
    .max_operands = 1,
};

int
cmd_completion(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	int rc;

	(void)ctl;
	if (!cmd_parse(&completion_usage, argc, argv, &f, &rc))
		return rc;
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		if (strcmp(scripts[i].shell, f.args[0]) == 0) {
			fputs(scripts[i].script, stdout);
			return 0;
		}
	return cmd_usage_error(&completion_usage,
			       "no completion for shell \"%.64s\": use bash, zsh or fish",
			       f.args[0]);
}
