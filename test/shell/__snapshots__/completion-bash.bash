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
  '') __cao_words='use gateway --data-dir --help' __cao_accounts=0 ;;
  'use') __cao_words='--shell --help' __cao_accounts=1 ;;
  'gateway') __cao_words='start --help' __cao_accounts=0 ;;
  'gateway start') __cao_words='--port --help' __cao_accounts=0 ;;
  *) ;;
  esac
}

# Account names, from the data dir's account directories (each holds a
# config.toml or auth.json). Listing them with a glob costs no process and no
# JSON parsing; registry.json would need a JSON reader. Names cannot start
# with a dot, so .state and .locks never show up.
__cao_complete_accounts() {
  \builtin local __cao_data=${CAO_HOME:-$HOME/.codex-account-orchestrator} __cao_dir
  for __cao_dir in "$__cao_data"/*/; do
    [ -f "${__cao_dir}config.toml" ] || [ -f "${__cao_dir}auth.json" ] || continue
    __cao_dir=${__cao_dir%/}
    __cao_candidates+=("${__cao_dir##*/}")
  done
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
