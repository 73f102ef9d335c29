# cao completions for fish, printed by `cao completion fish`.
# Load with `cao completion fish | source` in config.fish, or save the output
# as ~/.config/fish/completions/cao.fish.

# Prints "ACCOUNTS WORD..." for the command path $argv[1]: ACCOUNTS is 1 when
# the command takes an existing account's name, then its subcommands and flags.
function __cao_complete_spec
    switch "$argv[1]"
        # ::CAO_COMMANDS:: (the command table, rendered by `cao completion`)
    end
end

# Account names: the registry's, one per line in .state/accounts (cao rewrites
# it on every change). Read with a builtin: no process, no JSON parsing.
function __cao_complete_accounts
    set -l data $CAO_HOME
    test -n "$data"; or set data $HOME/.codex-account-orchestrator
    test -r $data/.state/accounts; or return 0
    while read -l name
        test -n "$name"; and echo $name
    end <$data/.state/accounts
end

function __cao_complete
    set -l tokens (commandline -opc)
    set -l cmdpath ''
    for word in $tokens[2..-1]
        # Words after -- belong to codex.
        test "$word" = --; and return
        string match -q -- '-*' $word; and continue
        set -l spec (string split ' ' -- (__cao_complete_spec "$cmdpath"))
        if contains -- $word $spec[2..-1]
            set cmdpath (string trim -- "$cmdpath $word")
        end
    end
    # After --account (cao run --account NAME) only an account name fits.
    if test "$tokens[-1]" = --account
        __cao_complete_accounts
        return
    end
    set -l spec (string split ' ' -- (__cao_complete_spec "$cmdpath"))
    string join \n -- $spec[2..-1]
    if test "$spec[1]" = 1
        __cao_complete_accounts
    end
end

complete -c cao -f -a '(__cao_complete)'
