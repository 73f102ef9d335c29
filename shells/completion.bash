# shellcheck shell=bash
# cao completions for bash, printed by `cao completion bash`.
# Load with `source <(cao completion bash)` in ~/.bashrc, or save the output
# as ~/.local/share/bash-completion/completions/cao.

# Sets __cao_words (subcommands and flags after the command path $1) and
# __cao_accounts (1 when that command takes an existing account's name).
__cao_complete_spec() {
  __cao_words=''
  __cao_accounts=0
  case $1 in
  # ::CAO_COMMANDS:: (the command table, rendered by `cao completion`)
  *) ;;
  esac
}

# Account names: the registry's, one per line in .state/accounts (cao rewrites
# it on every change). Read with a builtin: no process, no JSON parsing.
__cao_complete_accounts() {
  \builtin local __cao_file=${CAO_HOME:-$HOME/.codex-account-orchestrator}/.state/accounts __cao_name
  [ -r "$__cao_file" ] || \builtin return 0
  while IFS= \builtin read -r __cao_name; do
    [ -z "$__cao_name" ] || __cao_candidates+=("$__cao_name")
  done <"$__cao_file"
}

__cao_complete() {
  \builtin local __cao_cur=${COMP_WORDS[COMP_CWORD]} __cao_path='' __cao_word __cao_i __cao_words __cao_accounts
  \builtin local -a __cao_candidates
  for ((__cao_i = 1; __cao_i < COMP_CWORD; __cao_i++)); do
    __cao_word=${COMP_WORDS[__cao_i]}
    # Words after -- belong to codex.
    [ "$__cao_word" = -- ] && return 0
    __cao_complete_spec "$__cao_path"
    case " $__cao_words " in
    *" $__cao_word "*) [ "${__cao_word#-}" = "$__cao_word" ] && __cao_path=${__cao_path:+$__cao_path }$__cao_word ;;
    esac
  done
  __cao_complete_spec "$__cao_path"
  \builtin read -r -a __cao_candidates <<<"$__cao_words"
  # After --account (cao run --account NAME) only an account name fits.
  if [ "$COMP_CWORD" -gt 1 ] && [ "${COMP_WORDS[COMP_CWORD - 1]}" = --account ]; then
    __cao_candidates=()
    __cao_complete_accounts
  elif [ "$__cao_accounts" = 1 ] && [ "${__cao_cur#-}" = "$__cao_cur" ]; then
    __cao_complete_accounts
  fi
  COMPREPLY=()
  for __cao_word in "${__cao_candidates[@]}"; do
    case $__cao_word in "$__cao_cur"*) COMPREPLY+=("$__cao_word") ;; esac
  done
  return 0
}

\builtin complete -F __cao_complete cao
