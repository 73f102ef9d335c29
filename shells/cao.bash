# shellcheck shell=bash
# cao shell integration for bash, printed by `cao init bash`.
#
# Every name defined here starts with __cao_ (except `codex` and `cao`), and
# builtins are called as \builtin / \command so a user's alias or function
# named `read`, `local`, ... cannot hijack them (zoxide does the same).
# Nothing here forks on the prompt path, and the codex wrapper forks exactly
# once: the subshell that becomes codex.

# An alias named codex or cao would be expanded inside the definitions below
# (and would shadow the functions anyway).
\builtin unalias codex cao 2>/dev/null || \builtin true

# The cao executable; `cao init` renders its path here, quoted.
__cao_exe() {
  \command ::CAO:: "$@"
}

# Sets the caller's __cao_data to the data dir, as src/core/paths.ts does.
__cao_data_dir() {
  __cao_data=${CAO_HOME:-}
  # A literal ~ in $CAO_HOME is expanded as Node's expandHome() does.
  # shellcheck disable=SC2088
  case $__cao_data in
  '') __cao_data=$HOME/.codex-account-orchestrator ;;
  '~') __cao_data=$HOME ;;
  '~/'*) __cao_data=$HOME/${__cao_data#'~/'} ;;
  /*) ;;
  *) __cao_data=$PWD/$__cao_data ;;
  esac
  __cao_data=${__cao_data%/}
}

# Account names as src/core/account-name.ts accepts them.
__cao_valid_name() {
  case $1 in
  '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._@+-]* | *..*) return 1 ;;
  esac
  [ "${#1}" -le 64 ]
}

# Sets the caller's __cao_line to the first line of file $1, trimmed. Fails
# only when the file cannot be read: an empty .state/default is an answer
# ("no default"), not a reason to ask Node. `read` fails on a last line
# without a newline, hence the -n test.
__cao_read_line() {
  # Your IFS may be anything; reads here split and trim on blanks.
  \builtin local IFS=$' \t\n'
  __cao_line=
  [ -f "$1" ] && [ -r "$1" ] || return 1
  \builtin read -r __cao_line <"$1" || [ -n "$__cao_line" ]
  __cao_line=${__cao_line%$'\r'}
  # Blanks before a CR (a file saved on Windows) are still there: trimmed too.
  __cao_line=${__cao_line%"${__cao_line##*[![:space:]]}"}
}

# Sets the caller's __cao_account and __cao_source by the precedence of
# src/core/active-account.ts: $CAO_ACCOUNT (this shell, `cao use --shell`) >
# nearest .cao-account (`cao pin`) > .state/default (`cao use`); the cases
# are test/fixtures/account-resolution.json. The name may be invalid (the
# caller checks it).
# $1 = "prompt" forbids the one Node call (a data dir the original project
# wrote, which has no .state/default yet): the prompt must never fork.
__cao_resolve() {
  __cao_account=
  __cao_source=
  if [ -n "${CAO_ACCOUNT:-}" ]; then
    __cao_account=$CAO_ACCOUNT
    __cao_source=shell
    return 0
  fi
  \builtin local __cao_dir=$PWD
  while :; do
    # The nearest pin decides, even an invalid one (codex reports it; the
    # prompt shows nothing): never a parent's pin or the default instead.
    if [ -f "$__cao_dir/.cao-account" ]; then
      __cao_read_line "$__cao_dir/.cao-account" || __cao_line=
      __cao_account=$__cao_line
      __cao_source="pin $__cao_dir/.cao-account"
      return 0
    fi
    [ -n "$__cao_dir" ] || break
    __cao_dir=${__cao_dir%/*}
  done
  __cao_source=default
  if __cao_read_line "$__cao_data/.state/default"; then
    __cao_account=$__cao_line
  elif [ "${1-}" != prompt ] && [ -f "$__cao_data/registry.json" ]; then
    __cao_account=$(__cao_exe internal sync-default)
  fi
  [ -n "$__cao_account" ]
}

# Sets the caller's __cao_codex to the real codex: $CAO_CODEX_BIN, else the
# first `codex` on PATH that is not a cao shim (shims carry the line
# cao-codex-shim). `\command codex` alone would find a shim, or this function.
__cao_find_codex() {
  __cao_codex=${CAO_CODEX_BIN:-}
  case $__cao_codex in
  */*) [ -f "$__cao_codex" ] && [ -x "$__cao_codex" ] && return 0 ;;
  '') __cao_search_path codex shims && return 0 ;;
  *) __cao_search_path "$__cao_codex" any && return 0 ;;
  esac
  \builtin printf 'cao: %s\n' "the real codex was not found (install it with \`npm install -g @openai/codex\`, or set CAO_CODEX_BIN)" >&2
  return 4
}

# Walks PATH by hand: splitting with IFS would glob and need options changed.
__cao_search_path() {
  \builtin local __cao_rest="${PATH:-}:" __cao_dir __cao_head
  while [ -n "$__cao_rest" ]; do
    __cao_dir=${__cao_rest%%:*}
    __cao_rest=${__cao_rest#*:}
    __cao_codex=${__cao_dir:-.}/$1
    if [ ! -f "$__cao_codex" ] || [ ! -x "$__cao_codex" ]; then continue; fi
    [ "$2" = any ] && return 0
    __cao_head=
    # Up to 512 bytes or the first NUL (binaries have one early; scripts,
    # shims included, have none). -n with -d '' also works in bash 3.2 (macOS).
    \builtin read -r -n 512 -d '' __cao_head <"$__cao_codex" 2>/dev/null
    case $__cao_head in
    *cao-codex-shim*) ;;
    *) return 0 ;;
    esac
  done
  __cao_codex=
  return 1
}

# When routing through the gateway is on and the gateway named in
# .state/gateway is alive, sets __cao_url, __cao_backend (Codex's
# chatgpt_base_url, when the gateway serves it and its CA bundle is there) and
# the account whose home codex starts in. A stopped gateway is never waited
# for: codex runs directly.
__cao_gateway() {
  [ -f "$__cao_data/.state/gateway-enabled" ] || return 0
  # `|| true` here and below: a shell running with errexit must not die on a
  # state file that is unreadable or lacks its final newline.
  __cao_read_line "$__cao_data/.state/gateway-enabled" || \builtin true
  if ! __cao_gateway_live; then
    if [ "$__cao_line" != autostart ]; then
      \builtin printf 'cao: %s\n' "the gateway is enabled but not running; running codex directly (start it: cao gateway start --detach)" >&2
      return 0
    fi
    __cao_exe gateway start --detach >/dev/null
    if ! __cao_gateway_live; then
      \builtin printf 'cao: %s\n' "the gateway did not start; running codex directly" >&2
      return 0
    fi
  fi
}

__cao_gateway_live() {
  \builtin local __cao_pid='' __cao_gw_url='' __cao_gw_account='' __cao_gw_start='' __cao_gw_backend='' __cao_rest='' __cao_start='' IFS=$' \t\n'
  [ -f "$__cao_data/.state/gateway" ] || return 1
  \builtin read -r __cao_pid __cao_gw_url __cao_gw_account __cao_gw_start __cao_gw_backend __cao_rest <"$__cao_data/.state/gateway" || \builtin true
  case $__cao_pid in '' | *[!0-9]*) return 1 ;; esac
  [ -n "$__cao_gw_url" ] && [ -n "$__cao_gw_account" ] || return 1
  \builtin kill -0 "$__cao_pid" 2>/dev/null || return 1
  # A pid alone may have been reused: where /proc exists the start time must match too (the
  # rule of src/core/process-identity.ts; every copy is tested in test/shell/gateway-live.test.ts).
  case $__cao_gw_start in
  '' | *[!0-9]*) ;;
  *)
    if [ -r "/proc/$__cao_pid/stat" ]; then
      __cao_proc_start "$__cao_pid"
      [ "$__cao_start" = "$__cao_gw_start" ] || return 1
    fi
    ;;
  esac
  __cao_url=$__cao_gw_url
  # The backend side counts only as https with its CA bundle there (the rule of gatewayCodexLaunch
  # in src/core/gateway-state.ts; cases in test/fixtures/gateway-launch.json).
  __cao_backend=
  case $__cao_gw_backend in
  https://*)
    if [ -f "$__cao_data/.state/gateway-ca.pem" ]; then __cao_backend=$__cao_gw_backend; fi
    ;;
  esac
  # Codex starts in the home of the account the gateway routes to first, unless this shell
  # ($CAO_ACCOUNT) or a pin chose one: that choice stands (and is checked) with the gateway too.
  if [ "$__cao_source" = default ]; then
    __cao_account=$__cao_gw_account
    __cao_source=gateway
  fi
}

# Sets __cao_start to field 22 of /proc/PID/stat (the start time). The command
# name before it may hold spaces and ")", so cut after the last ") " first.
__cao_proc_start() {
  \builtin local __cao_stat='' __cao_i=0
  \builtin read -r __cao_stat <"/proc/$1/stat" 2>/dev/null || \builtin true
  __cao_stat=${__cao_stat##*') '}
  while [ "$__cao_i" -lt 19 ]; do
    __cao_stat=${__cao_stat#* }
    __cao_i=$((__cao_i + 1))
  done
  __cao_start=${__cao_stat%% *}
}

# The user's main Codex home, as mainCodexHome() in src/core/paths.ts.
__cao_main_home() {
  if [ -n "${CAO_MAIN_CODEX_HOME:-}" ]; then
    __cao_main=$CAO_MAIN_CODEX_HOME
  elif [ -n "${CODEX_HOME:-}" ] && [ "${CODEX_HOME%/}" != "$__cao_data" ] &&
    [ "${CODEX_HOME#"$__cao_data"/}" = "$CODEX_HOME" ]; then
    __cao_main=$CODEX_HOME
  else
    __cao_main=$HOME/.codex
  fi
}

# The transparent codex: the real binary, in the active account's home.
# Locals stay in this function; the environment changes happen only in the
# subshell that execs codex, so nothing leaks into the interactive shell.
codex() {
  \builtin local __cao_data __cao_account __cao_source __cao_line __cao_codex __cao_main __cao_url='' __cao_backend=''
  __cao_data_dir
  if ! __cao_resolve; then
    \builtin printf 'cao: %s\n' "no account selected: \`cao use NAME\` sets the default, \`cao pin NAME\` this directory's, \`cao use --shell NAME\` this shell's" >&2
    return 1
  fi
  __cao_find_codex || return
  __cao_gateway
  if ! __cao_valid_name "$__cao_account" || [ ! -d "$__cao_data/$__cao_account" ]; then
    \builtin printf 'cao: %s\n' "account \"$__cao_account\" (from $__cao_source) does not exist; see \`cao list\`" >&2
    return 2
  fi
  __cao_main_home
  if [ "$__cao_main/config.toml" -nt "$__cao_data/$__cao_account/config.toml" ]; then
    __cao_exe internal sync-config "$__cao_account" ||
      \builtin printf 'cao: %s\n' "could not re-sync the account's config.toml; using it as it is" >&2
  fi
  (
    \builtin unset CODEX_API_KEY
    # shellcheck disable=SC2034 # exported (shellcheck does not see through \builtin)
    \builtin export CODEX_HOME="$__cao_data/$__cao_account" CODEX_SQLITE_HOME="$__cao_main"
    if [ -n "$__cao_url" ]; then
      if [ -n "$__cao_backend" ]; then
        # shellcheck disable=SC2034 # exported (shellcheck does not see through \builtin)
        \builtin export CODEX_CA_CERTIFICATE="$__cao_data/.state/gateway-ca.pem"
        \builtin set -- -c "chatgpt_base_url=\"$__cao_backend\"" "$@"
      fi
      \builtin set -- -c "openai_base_url=\"$__cao_url\"" "$@"
    fi
    # `resume --last` and the picker are chosen across the pool by cao (Codex sees only this
    # account's sessions); any call without a word `resume` runs codex with no extra process.
    if __cao_mentions_resume "$@"; then
      \builtin exec ::CAO:: internal resume --codex "$__cao_codex" -- "$@"
    fi
    \builtin exec "$__cao_codex" "$@"
  )
}

# True when a word is `resume`: the cheap test of src/run/resume-args.ts (mentionsResume),
# cases in test/fixtures/resume-calls.json. cao itself tells a real resume from a prompt.
__cao_mentions_resume() {
  \builtin local __cao_word
  for __cao_word in "$@"; do
    [ "$__cao_word" = resume ] && return 0
  done
  return 1
}

# `cao use --shell NAME` must change this shell, which a child process cannot:
# the binary prints the shell code (it checks the name) and this function runs it.
cao() {
  \builtin local __cao_word __cao_code
  if [ "${1-}" = use ]; then
    for __cao_word in "$@"; do
      [ "$__cao_word" = -- ] && break
      if [ "$__cao_word" = --shell ]; then
        __cao_code=$(__CAO_SHELL=bash \command ::CAO:: "$@") || return
        \builtin eval "$__cao_code"
        return
      fi
    done
  fi
  __cao_exe "$@"
}

# The prompt segment: the active account and its last known 5-hour usage, in
# $CAO_PROMPT, and the pool's headroom in $CAO_PROMPT_POOL ("pool N%" from
# .state/pool, written by src/core/pool-state.ts; its cases are
# test/fixtures/pool-prompt.json), both exported so starship's env_var module
# can show them. Builtins only: zero processes per prompt ($EPOCHSECONDS needs
# bash 5; older bash shows the figures without checking that they are fresh).
__cao_prompt_update() {
  \builtin local __cao_data __cao_account __cao_source __cao_line __cao_figure=''
  # shellcheck disable=SC2034 # exported (shellcheck does not see through \builtin)
  CAO_PROMPT='' CAO_PROMPT_POOL=''
  \builtin export CAO_PROMPT CAO_PROMPT_POOL
  __cao_data_dir
  __cao_fresh_figure "$__cao_data/.state/pool"
  # shellcheck disable=SC2034 # exported above
  [ -z "$__cao_figure" ] || CAO_PROMPT_POOL="pool $__cao_figure%"
  __cao_resolve prompt && __cao_valid_name "$__cao_account" || return 0
  CAO_PROMPT=$__cao_account
  __cao_fresh_figure "$__cao_data/.state/usage/$__cao_account"
  # shellcheck disable=SC2034 # exported above
  [ -z "$__cao_figure" ] || CAO_PROMPT="$__cao_account $__cao_figure%"
}

# Sets the caller's $__cao_figure to the first field of the state file $1 (a
# whole number) while the second (unix seconds: a reset, or when the figure goes
# stale) has not come; to nothing otherwise.
__cao_fresh_figure() {
  \builtin local __cao_value='' __cao_until='' __cao_rest='' IFS=$' \t\n'
  __cao_figure=''
  [ -f "$1" ] || return 0
  \builtin read -r __cao_value __cao_until __cao_rest <"$1" || \builtin true
  case $__cao_value in '' | *[!0-9]*) return 0 ;; esac
  case $__cao_until in
  '' | *[!0-9]*) ;;
  *) [ -n "${EPOCHSECONDS:-}" ] && [ "$__cao_until" -le "$EPOCHSECONDS" ] && return 0 ;;
  esac
  __cao_figure=$__cao_value
}

# Re-sourcing is harmless: the functions above are simply redefined.
