# cao shell integration for fish, printed by `cao init fish`.
#
# Every name defined here starts with __cao_ (except `codex` and `cao`), and
# builtins are called as `builtin NAME` / `command NAME` where a user function
# could shadow them. Nothing here forks on the prompt path; the codex wrapper
# starts exactly one process, codex itself.

# The cao executable; `cao init` renders its path here, quoted.
function __cao_exe
    command ::CAO:: $argv
end

# Prints the data dir, as src/core/paths.ts computes it. Command substitutions
# of fish functions and builtins run in-process (no fork).
function __cao_data_dir
    set -l data "$CAO_HOME"
    switch "$data"
        case ''
            set data "$HOME/.codex-account-orchestrator"
        case '~'
            set data "$HOME"
        case '~/*'
            set data "$HOME/"(string sub -s 3 -- "$data")
        case '/*'
        case '*'
            set data "$PWD/$data"
    end
    string trim -r -c / -- "$data"
end

# Account names as src/core/account-name.ts accepts them.
function __cao_valid_name
    test (string length -- "$argv[1]") -le 64
    and string match -qr '^[A-Za-z0-9][A-Za-z0-9._@+-]*$' -- "$argv[1]"
    and not string match -q '*..*' -- "$argv[1]"
end

# Prints the first line of a file, trimmed; fails when it cannot be read.
function __cao_read_line
    test -f "$argv[1]" -a -r "$argv[1]"; or return 1
    set -l line
    read -l line <"$argv[1]"
    string trim -- "$line"
end

# Prints ACCOUNT and SOURCE, one a line, by the precedence of
# src/core/active-account.ts: $CAO_ACCOUNT (this shell, `cao use --shell`) >
# nearest .cao-account (`cao pin`) > .state/default (`cao use`); the cases are
# test/fixtures/account-resolution.json. The name may be invalid or empty
# (the caller checks it). $argv[2] = prompt forbids the one
# Node call (an old data dir without .state/default): the prompt never forks.
function __cao_resolve
    if test -n "$CAO_ACCOUNT"
        printf '%s\n' "$CAO_ACCOUNT" shell
        return 0
    end
    set -l dir $PWD
    while true
        # The nearest pin decides, even an invalid one (codex reports it; the
        # prompt shows nothing): never a parent's pin or the default instead.
        if test -f "$dir/.cao-account"
            printf '%s\n' "$(__cao_read_line "$dir/.cao-account")" "pin $dir/.cao-account"
            return 0
        end
        test -n "$dir"; or break
        set dir (string replace -r '/[^/]*$' '' -- "$dir")
    end
    set -l name (__cao_read_line "$argv[1]/.state/default")
    if test -z "$name"; and not test -e "$argv[1]/.state/default"; and test "$argv[2]" != prompt; and test -f "$argv[1]/registry.json"
        set name (__cao_exe internal sync-default)
    end
    test -n "$name"; or return 1
    printf '%s\n' "$name" default
end

# Prints the real codex: $CAO_CODEX_BIN, else the first `codex` on PATH that
# is not a cao shim (shims carry the line cao-codex-shim). `command codex`
# alone would find a shim.
function __cao_find_codex
    if string match -q '*/*' -- "$CAO_CODEX_BIN"
        test -f "$CAO_CODEX_BIN" -a -x "$CAO_CODEX_BIN"; and echo $CAO_CODEX_BIN; and return 0
    else
        set -l name codex
        test -n "$CAO_CODEX_BIN"; and set name $CAO_CODEX_BIN
        for dir in $PATH
            test -n "$dir"; or set dir .
            set -l file "$dir/$name"
            test -f "$file" -a -x "$file"; or continue
            if test -z "$CAO_CODEX_BIN"
                set -l head
                read -l -n 512 -z head <"$file"
                string match -q '*cao-codex-shim*' -- "$head"; and continue
            end
            echo $file
            return 0
        end
    end
    echo "cao: the real codex was not found (install it with `npm install -g @openai/codex`, or set CAO_CODEX_BIN)" >&2
    return 4
end

# Prints "URL ACCOUNT [BACKEND]" when routing through the gateway is on and the
# gateway in .state/gateway is alive (BACKEND: Codex's chatgpt_base_url, when
# the gateway serves it and its CA bundle is there); a stopped gateway is never
# waited for. fish has no kill builtin: /proc/PID where it exists, else
# `command kill -0`.
function __cao_gateway
    test -f "$argv[1]/.state/gateway-enabled"; or return 1
    # The live check that succeeds prints the answer: the caller gets exactly one line.
    __cao_gateway_live $argv[1]; and return 0
    if test "$(__cao_read_line $argv[1]/.state/gateway-enabled)" != autostart
        echo "cao: the gateway is enabled but not running; running codex directly (start it: cao gateway start --detach)" >&2
        return 1
    end
    __cao_exe gateway start --detach >/dev/null
    __cao_gateway_live $argv[1]; and return 0
    echo "cao: the gateway did not start; running codex directly" >&2
    return 1
end

function __cao_gateway_live
    set -l fields (string split ' ' -- (__cao_read_line "$argv[1]/.state/gateway"))
    test (count $fields) -ge 3; or return 1
    string match -qr '^[0-9]+$' -- "$fields[1]"; or return 1
    if test -d /proc/self
        test -d "/proc/$fields[1]"; or return 1
    else
        command kill -0 "$fields[1]" 2>/dev/null; or return 1
    end
    # A pid alone may have been reused: where /proc exists the start time (field 22 of
    # /proc/PID/stat, after the command name) must match too (test/shell/gateway-live.test.ts).
    if test (count $fields) -ge 4; and string match -qr '^[0-9]+$' -- "$fields[4]"; and test -r "/proc/$fields[1]/stat"
        set -l stat (string split ' ' -- (string replace -r '^.*\) ' '' -- (__cao_read_line "/proc/$fields[1]/stat")))
        test "$stat[20]" = "$fields[4]"; or return 1
    end
    # The backend side counts only as https with its CA bundle there (the rule of gatewayCodexLaunch
    # in src/core/gateway-state.ts; cases in test/fixtures/gateway-launch.json).
    set -l backend
    if test (count $fields) -ge 5; and string match -q 'https://*' -- "$fields[5]"; and test -f "$argv[1]/.state/gateway-ca.pem"
        set backend $fields[5]
    end
    echo $fields[2] $fields[3] $backend
end

# The user's main Codex home, as mainCodexHome() in src/core/paths.ts.
function __cao_main_home
    if test -n "$CAO_MAIN_CODEX_HOME"
        echo $CAO_MAIN_CODEX_HOME
    else if test -n "$CODEX_HOME"; and test (string trim -r -c / -- "$CODEX_HOME") != "$argv[1]"; and not string match -q -- "$argv[1]/*" "$CODEX_HOME"
        echo $CODEX_HOME
    else
        echo $HOME/.codex
    end
end

# The transparent codex: the real binary, in the active account's home. The
# environment changes are function-local exports (`set -lx`; `set -lu` hides
# CODEX_API_KEY), visible to codex only and gone when the function returns.
function codex --description 'codex in the active cao account'
    set -l data (__cao_data_dir)
    set -l resolved (__cao_resolve $data)
    if test (count $resolved) -eq 0
        echo "cao: no account selected: `cao use NAME` sets the default, `cao pin NAME` this directory's, `cao use --shell NAME` this shell's" >&2
        return 1
    end
    set -l account $resolved[1]
    set -l source $resolved[2]
    set -l real (__cao_find_codex); or return
    set -l extra
    set -l gateway (string split ' ' -- (__cao_gateway $data))
    if test -n "$gateway[1]"
        set extra -c "openai_base_url=\"$gateway[1]\""
        test -n "$gateway[3]"; and set -a extra -c "chatgpt_base_url=\"$gateway[3]\""
        # The gateway's first account, unless this shell or a pin chose one (that choice stands).
        if test "$source" = default
            set account $gateway[2]
            set source gateway
        end
    end
    if not __cao_valid_name "$account"; or not test -d "$data/$account"
        echo "cao: account \"$account\" (from $source) does not exist; see `cao list`" >&2
        return 2
    end
    set -l main (__cao_main_home $data)
    if test "$main/config.toml" -nt "$data/$account/config.toml"
        __cao_exe internal sync-config "$account"
        or echo "cao: could not re-sync the account's config.toml; using it as it is" >&2
    end
    set -lu CODEX_API_KEY
    set -lx CODEX_HOME "$data/$account"
    set -lx CODEX_SQLITE_HOME "$main"
    # The CA for the gateway's backend side; erased again without one, so a value of your own shows.
    set -lx CODEX_CA_CERTIFICATE "$data/.state/gateway-ca.pem"
    test -n "$gateway[3]"; or set -e CODEX_CA_CERTIFICATE
    # `resume --last` and the picker are chosen across the pool by cao (Codex sees only this
    # account's sessions); the test is mentionsResume in src/run/resume-args.ts, cases in
    # test/fixtures/resume-calls.json. Any other call runs codex with no extra process.
    if contains -- resume $argv
        command ::CAO:: internal resume --codex $real -- $extra $argv
    else
        command $real $extra $argv
    end
end

# `cao use --shell NAME` must change this shell, which a child process cannot:
# the binary prints fish code (it checks the name) and this function runs it.
function cao --description 'cao, able to change this shell (cao use --shell)'
    if test "$argv[1]" = use
        for word in $argv
            test "$word" = --; and break
            if test "$word" = --shell
                set -l code (__CAO_SHELL=fish command ::CAO:: $argv); or return
                eval (string join \n -- $code)
                return
            end
        end
    end
    __cao_exe $argv
end

# The prompt segment: the active account and its last known 5-hour usage, in
# $CAO_PROMPT, and the pool's headroom in $CAO_PROMPT_POOL ("pool N%" from
# .state/pool, written by src/core/pool-state.ts; its cases are
# test/fixtures/pool-prompt.json), both exported for starship's env_var module.
# Builtins and functions only: no process per prompt. fish has no clock
# builtin, so both show the last known figure even after a reset.
function __cao_prompt_update
    set -gx CAO_PROMPT
    set -gx CAO_PROMPT_POOL
    set -l data (__cao_data_dir)
    set -l pool (__cao_figure "$data/.state/pool")
    test -n "$pool"; and set -gx CAO_PROMPT_POOL "pool $pool%"
    set -l resolved (__cao_resolve $data prompt)
    test (count $resolved) -gt 0; and __cao_valid_name "$resolved[1]"; or return 0
    set -gx CAO_PROMPT $resolved[1]
    set -l used (__cao_figure "$data/.state/usage/$resolved[1]")
    test -n "$used"; and set -gx CAO_PROMPT "$resolved[1] $used%"
    return 0
end

# Prints the first field of the state file $argv[1] when it is a whole number.
function __cao_figure
    set -l fields (string split ' ' -- (__cao_read_line "$argv[1]"))
    string match -qr '^[0-9]+$' -- "$fields[1]"; and echo $fields[1]
    return 0
end

# Re-sourcing is harmless: the functions above are simply redefined.
