#!/bin/sh
# cao-codex-shim: `codex` through cao (written by `cao gateway enable`, removed by `cao gateway disable`).
# The line above is the marker every cao shim carries: the PATH walk below (and cao itself) skips any
# file containing it, so a shim never runs itself or another shim, with no exported guard variable.
# Pure POSIX sh with builtins only (no forks on the way to codex), for sh, dash and bash alike.

__cao_data=${CAO_HOME:-@CAO_DATA_DIR@}
__cao_shim_dir=@CAO_SHIM_DIR@

# The real codex: the first `codex` on PATH that is not in this shim's directory and not a cao shim.
__cao_real=
__cao_rest=$PATH:
while [ -n "$__cao_rest" ]; do
  __cao_dir=${__cao_rest%%:*}
  __cao_rest=${__cao_rest#*:}
  # An empty PATH entry means the current directory.
  [ -n "$__cao_dir" ] || __cao_dir=.
  [ "$__cao_dir" = "$__cao_shim_dir" ] && continue
  __cao_file=$__cao_dir/codex
  if [ ! -f "$__cao_file" ] || [ ! -x "$__cao_file" ]; then continue; fi
  # The marker sits in a shim's first lines; three reads are enough and cheap even for a binary.
  __cao_l1='' __cao_l2='' __cao_l3=''
  { IFS= read -r __cao_l1 && IFS= read -r __cao_l2 && IFS= read -r __cao_l3; } <"$__cao_file" 2>/dev/null
  case "$__cao_l1$__cao_l2$__cao_l3" in
  *cao-codex-shim*) continue ;;
  esac
  __cao_real=$__cao_file
  break
done
if [ -z "$__cao_real" ]; then
  printf '%s\n' "cao: the real codex was not found on PATH (the cao shim in $__cao_shim_dir skips itself)" >&2
  exit 4
fi

# Sets __cao_account to the first line of file $1 without the blanks a hand-written file may carry.
__cao_read_account() {
  __cao_account=
  IFS= read -r __cao_account <"$1" 2>/dev/null || :
  __cao_account=${__cao_account#"${__cao_account%%[![:space:]]*}"}
  __cao_account=${__cao_account%"${__cao_account##*[![:space:]]}"}
}

# The account, with the shell wrapper's precedence: $CAO_ACCOUNT > nearest .cao-account pin > default
# (the cases: test/fixtures/account-resolution.json). __cao_chosen says a source decided, even with an
# invalid name: the nearest pin decides, an invalid one is reported below, never skipped.
__cao_account=${CAO_ACCOUNT:-}
__cao_chosen=${__cao_account:+shell}
if [ -z "$__cao_chosen" ]; then
  __cao_dir=$PWD
  while :; do
    if [ -f "$__cao_dir/.cao-account" ]; then
      __cao_read_account "$__cao_dir/.cao-account"
      __cao_chosen=pin
      break
    fi
    [ -z "$__cao_dir" ] && break
    __cao_dir=${__cao_dir%/*}
  done
fi
if [ -z "$__cao_chosen" ] && [ -f "$__cao_data/.state/default" ]; then
  __cao_read_account "$__cao_data/.state/default"
  __cao_chosen=${__cao_account:+default}
fi

# Routing through the gateway: on when .state/gateway-enabled exists; live when .state/gateway names a
# running process. A dead gateway is never used (codex would retry a closed port forever).
__cao_url=
__cao_backend=
if [ -f "$__cao_data/.state/gateway-enabled" ]; then
  __cao_mode=
  IFS= read -r __cao_mode <"$__cao_data/.state/gateway-enabled" || :
  __cao_try=1
  while [ "$__cao_try" -le 2 ]; do
    __cao_pid='' __cao_gw_url='' __cao_gw_account='' __cao_gw_start='' __cao_gw_backend='' __cao_live=''
    if [ -f "$__cao_data/.state/gateway" ]; then
      read -r __cao_pid __cao_gw_url __cao_gw_account __cao_gw_start __cao_gw_backend __cao_rest <"$__cao_data/.state/gateway" || :
    fi
    case $__cao_pid in '' | *[!0-9]*) __cao_pid='' ;; esac
    if [ -n "$__cao_pid" ] && [ -n "$__cao_gw_url" ] && kill -0 "$__cao_pid" 2>/dev/null; then
      __cao_live=1
      # A pid alone may have been reused: where /proc exists the start time (field 22 of
      # /proc/PID/stat, after the command name) must match too (test/shell/gateway-live.test.ts).
      case $__cao_gw_start in
      '' | *[!0-9]*) ;;
      *)
        if [ -r "/proc/$__cao_pid/stat" ]; then
          __cao_stat=
          read -r __cao_stat <"/proc/$__cao_pid/stat" || :
          __cao_stat=${__cao_stat##*') '}
          __cao_i=0
          while [ "$__cao_i" -lt 19 ]; do
            __cao_stat=${__cao_stat#* }
            __cao_i=$((__cao_i + 1))
          done
          [ "${__cao_stat%% *}" = "$__cao_gw_start" ] || __cao_live=
        fi
        ;;
      esac
    fi
    if [ -n "$__cao_live" ]; then
      __cao_url=$__cao_gw_url
      # Codex's chatgpt_base_url: only https, with its CA bundle there (the rule of gatewayCodexLaunch in
      # src/core/gateway-state.ts; cases in test/fixtures/gateway-launch.json).
      case $__cao_gw_backend in
      https://*)
        if [ -f "$__cao_data/.state/gateway-ca.pem" ]; then __cao_backend=$__cao_gw_backend; fi
        ;;
      esac
      # Codex starts in the home of the account the gateway routes to first (its own backend calls
      # use that login), unless $CAO_ACCOUNT or a pin chose one: that choice stands, and is checked.
      if [ -n "$__cao_gw_account" ] && [ "$__cao_chosen" != shell ] && [ "$__cao_chosen" != pin ]; then
        __cao_account=$__cao_gw_account
        __cao_chosen=gateway
      fi
      break
    fi
    if [ "$__cao_try" -ne 1 ]; then break; fi
    if [ "$__cao_mode" != autostart ]; then
      printf '%s\n' "cao: the gateway is enabled but not running; running codex directly (start it: cao gateway start --detach)" >&2
      break
    fi
    CAO_HOME=$__cao_data @CAO_COMMAND@ gateway start --detach >/dev/null 2>&1 ||
      printf '%s\n' "cao: the gateway did not start; running codex directly (see \`cao gateway logs\`)" >&2
    __cao_try=2
  done
fi

# No account chosen anywhere: plain codex (the shim never stands in the way of a user without cao accounts).
if [ -n "$__cao_chosen" ]; then
  # Account names as src/core/account-name.ts accepts them.
  case "$__cao_account" in
  '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._@+-]* | *..*) __cao_known='' ;;
  *) __cao_known=$__cao_account ;;
  esac
  [ "${#__cao_known}" -le 64 ] || __cao_known=''
  if [ -z "$__cao_known" ] || [ ! -d "$__cao_data/$__cao_known" ]; then
    printf '%s\n' "cao: account \"$__cao_account\" does not exist; see \`cao list\`" >&2
    exit 2
  fi
  # The main Codex home shares SQLite state (history, resume) with every account home.
  __cao_main=${CAO_MAIN_CODEX_HOME:-}
  if [ -z "$__cao_main" ]; then
    case "${CODEX_HOME:-}" in
    '' | "$__cao_data" | "$__cao_data"/*) __cao_main=$HOME/.codex ;;
    *) __cao_main=$CODEX_HOME ;;
    esac
  fi
  # The account's config.toml is the main one plus cao's keys: re-merge it when the main one changed
  # (the only time Node runs on this path).
  # shellcheck disable=SC3013 # -nt is not POSIX, but dash, bash, ksh and busybox sh all have it.
  if [ "$__cao_main/config.toml" -nt "$__cao_data/$__cao_account/config.toml" ]; then
    CAO_HOME=$__cao_data CAO_MAIN_CODEX_HOME=$__cao_main @CAO_COMMAND@ internal sync-config "$__cao_account" ||
      printf '%s\n' "cao: could not re-sync the account's config.toml; using it as it is" >&2
  fi
  CODEX_HOME=$__cao_data/$__cao_account
  CODEX_SQLITE_HOME=$__cao_main
  export CODEX_HOME CODEX_SQLITE_HOME
  # With forced_login_method="chatgpt", CODEX_API_KEY makes Codex delete auth.json.
  unset CODEX_API_KEY
fi

if [ -n "$__cao_url" ]; then
  if [ -n "$__cao_backend" ]; then
    CODEX_CA_CERTIFICATE=$__cao_data/.state/gateway-ca.pem
    export CODEX_CA_CERTIFICATE
    set -- -c "chatgpt_base_url=\"$__cao_backend\"" "$@"
  fi
  set -- -c "openai_base_url=\"$__cao_url\"" "$@"
fi
# `resume --last` and the picker are chosen across the pool by cao (Codex sees only this account's
# sessions): a call with a word `resume` goes to cao, which tells a real resume from a prompt
# (mentionsResume in src/run/resume-args.ts, cases in test/fixtures/resume-calls.json). Only with an
# account (plain codex stays plain); any other call runs codex with no extra process.
if [ -n "$__cao_chosen" ]; then
  for __cao_word in "$@"; do
    if [ "$__cao_word" = resume ]; then
      CAO_HOME=$__cao_data
      export CAO_HOME
      exec @CAO_COMMAND@ internal resume --codex "$__cao_real" -- "$@"
    fi
  done
fi
exec "$__cao_real" "$@"
