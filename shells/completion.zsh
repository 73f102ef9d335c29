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

# Account names, from the data dir's account directories (each holds a
# config.toml or auth.json): a glob costs no process and no JSON parsing.
# (N) makes an empty data dir list nothing; names never start with a dot.
__cao_complete_accounts() {
  \builtin emulate -L zsh
  \builtin local __cao_dir
  for __cao_dir in ${CAO_HOME:-$HOME/.codex-account-orchestrator}/*(N/); do
    [[ -f $__cao_dir/config.toml || -f $__cao_dir/auth.json ]] && __cao_candidates+=(${__cao_dir:t})
  done
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
