# cao completions for PowerShell, printed by `cao completion powershell`.
# Load with `cao completion powershell | Out-String | Invoke-Expression` in $PROFILE.
Register-ArgumentCompleter -Native -CommandName cao -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    # Command path => @(takes an existing account's name, subcommands and flags).
    $specs = @{
        # ::CAO_COMMANDS:: (the command table, rendered by `cao completion`)
    }
    $path = ''
    $previous = ''
    foreach ($element in $commandAst.CommandElements | Select-Object -Skip 1) {
        if ($element.Extent.StartOffset -ge $cursorPosition) { break }
        $word = $element.Extent.Text
        if ($word -eq '--') { return }
        if ($word -notlike '-*' -and $specs[$path][1] -contains $word) { $path = "$path $word".Trim() }
        if ($element.Extent.EndOffset -lt $cursorPosition -or -not $wordToComplete) { $previous = $word }
    }
    $candidates = @($specs[$path][1])
    # After --account (cao run --account NAME) only an account name fits.
    if ($previous -eq '--account') { $candidates = @() }
    if (($specs[$path][0] -or $previous -eq '--account') -and $wordToComplete -notlike '-*') {
        # The registry's accounts, one per line in .state/accounts (cao rewrites it on every change).
        $data = if ($env:CAO_HOME) { $env:CAO_HOME } else { Join-Path $HOME '.codex-account-orchestrator' }
        $candidates += Get-Content -LiteralPath (Join-Path $data '.state/accounts') -ErrorAction SilentlyContinue |
            Where-Object { $_ }
    }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } |
        ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
