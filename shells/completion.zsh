# cao completions for zsh, printed by `cao completion zsh`.
# Load with `source <(cao completion zsh)` after compinit in ~/.zshrc.

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
  \builtin emulate -L zsh
  \builtin local __cao_file=${CAO_HOME:-$HOME/.codex-account-orchestrator}/.state/accounts __cao_name
  [[ -r $__cao_file ]] || \builtin return 0
  while IFS= \builtin read -r __cao_name; do
    [[ -z $__cao_name ]] || __cao_candidates+=($__cao_name)
  done <$__cao_file
}

_cao() {
  \builtin emulate -L zsh
  \builtin local __cao_path='' __cao_word __cao_words __cao_accounts
  \builtin local -a __cao_candidates
  \builtin local -i __cao_i
  for ((__cao_i = 2; __cao_i < CURRENT; __cao_i++)); do
    __cao_word=${words[__cao_i]}
    # Words after -- belong to codex.
    [[ $__cao_word == -- ]] && return 1
    __cao_complete_spec "$__cao_path"
    [[ $__cao_word != -* && " $__cao_words " == *" $__cao_word "* ]] && __cao_path=${__cao_path:+$__cao_path }$__cao_word
  done
  __cao_complete_spec "$__cao_path"
  __cao_candidates=(${=__cao_words})
  # After --account (cao run --account NAME) only an account name fits.
  if [[ ${words[CURRENT-1]} == --account ]]; then
    __cao_candidates=()
    __cao_complete_accounts
  elif [[ $__cao_accounts == 1 && ${words[CURRENT]} != -* ]]; then
    __cao_complete_accounts
  fi
  compadd -- $__cao_candidates
}

# compdef exists once compinit has run; without it there is nothing to register.
(( $+functions[compdef] )) && compdef _cao cao || \builtin true
