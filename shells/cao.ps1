# cao shell integration for PowerShell, printed by `cao init powershell`.
#
# Every function defined here starts with __cao_ (except `codex` and `cao`).
# PowerShell has no per-command environment prefix, so the codex function
# sets $env: entries just before running codex and restores them in a
# `finally` block: nothing is left changed, even after Ctrl-C.

# An alias named codex or cao would win over the functions below.
Remove-Item -Path 'Alias:codex', 'Alias:cao' -ErrorAction SilentlyContinue

# The cao executable; `cao init` renders its path (on Windows the bare name
# cao) here, quoted. Looked up as an application: `& 'cao'` alone would call
# the cao function below, forever.
function global:__cao_exe {
    $exe = Get-Command -Name ::CAO:: -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $exe) {
        [Console]::Error.WriteLine('cao: the cao executable was not found')
        $global:LASTEXITCODE = 127
        return
    }
    & $exe @args
}

# The data dir, as src/core/paths.ts computes it.
function global:__cao_data_dir {
    $data = $env:CAO_HOME
    if (-not $data) { return Join-Path $HOME '.codex-account-orchestrator' }
    if ($data -eq '~') { return $HOME }
    if ($data.StartsWith('~/') -or $data.StartsWith('~\')) { $data = Join-Path $HOME $data.Substring(2) }
    if (-not [System.IO.Path]::IsPathRooted($data)) { $data = Join-Path $PWD.ProviderPath $data }
    return $data.TrimEnd('/', '\')
}

# Account names as src/core/account-name.ts accepts them.
function global:__cao_valid_name([string]$Name) {
    return $Name.Length -le 64 -and $Name -cmatch '^[A-Za-z0-9][A-Za-z0-9._@+-]*$' -and -not $Name.Contains('..')
}

# The first line of a file, trimmed; $null when it cannot be read.
function global:__cao_read_line([string]$Path) {
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { return $null }
    $line = Get-Content -LiteralPath $Path -TotalCount 1 -ErrorAction SilentlyContinue
    if ($null -eq $line) { return '' }
    return ([string]$line).Trim()
}

# @{ Name; Source } by the precedence of src/core/active-account.ts:
# $env:CAO_ACCOUNT (this shell, `cao use --shell`) > nearest .cao-account
# (`cao pin`) > .state/default (`cao use`); the cases are
# test/fixtures/account-resolution.json. The name may be invalid (the caller
# checks it). -Prompt forbids the one call into
# cao (an old data dir without .state/default): the prompt starts no process.
function global:__cao_resolve([string]$Data, [switch]$Prompt) {
    if ($env:CAO_ACCOUNT) { return @{ Name = $env:CAO_ACCOUNT; Source = 'shell' } }
    $dir = $PWD.ProviderPath
    while ($dir) {
        $pinFile = Join-Path $dir '.cao-account'
        # The nearest pin decides, even an invalid one (codex reports it; the
        # prompt shows nothing): never a parent's pin or the default instead.
        if (Test-Path -LiteralPath $pinFile -PathType Leaf) { return @{ Name = [string](__cao_read_line $pinFile); Source = "pin $pinFile" } }
        $parent = Split-Path -Parent $dir
        if ($parent -eq $dir) { break }
        $dir = $parent
    }
    $default = __cao_read_line (Join-Path $Data '.state/default')
    if ($null -eq $default -and -not $Prompt -and (Test-Path -LiteralPath (Join-Path $Data 'registry.json'))) {
        $default = "$(__cao_exe internal sync-default)".Trim()
    }
    if ($default) { return @{ Name = $default; Source = 'default' } }
    return $null
}

# True when the file is a cao shim (they carry the line cao-codex-shim).
function global:__cao_is_shim([string]$Path) {
    try {
        $stream = [System.IO.File]::OpenRead($Path)
        try {
            $buffer = New-Object byte[] 512
            $count = $stream.Read($buffer, 0, $buffer.Length)
            return [System.Text.Encoding]::ASCII.GetString($buffer, 0, $count).Contains('cao-codex-shim')
        }
        finally {
            $stream.Dispose()
        }
    }
    catch {
        return $false
    }
}

# The real codex: $env:CAO_CODEX_BIN, else the first codex application on
# PATH that is not a cao shim (Get-Command codex alone could find a shim).
function global:__cao_find_codex {
    if ($env:CAO_CODEX_BIN) {
        $found = Get-Command $env:CAO_CODEX_BIN -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($found) { return $found.Source }
        return $null
    }
    foreach ($found in @(Get-Command codex -CommandType Application -All -ErrorAction SilentlyContinue)) {
        if (-not (__cao_is_shim $found.Source)) { return $found.Source }
    }
    return $null
}

# @{ Url; Account; Backend } of the gateway in .state/gateway, when its process is alive. Backend is
# Codex's chatgpt_base_url when the gateway serves it and its CA bundle is there, else $null (the
# rule of gatewayCodexLaunch in src/core/gateway-state.ts; cases in test/fixtures/gateway-launch.json).
function global:__cao_gateway_live([string]$Data) {
    $fields = "$(__cao_read_line (Join-Path $Data '.state/gateway'))".Split(' ')
    if ($fields.Count -lt 3 -or $fields[0] -notmatch '^[0-9]+$') { return $null }
    if (-not (Get-Process -Id ([int]$fields[0]) -ErrorAction SilentlyContinue)) { return $null }
    # A pid alone may have been reused: where /proc exists (pwsh on Linux) the start time must match too.
    if ($fields.Count -ge 4 -and $fields[3] -match '^[0-9]+$' -and (Test-Path -LiteralPath "/proc/$($fields[0])/stat")) {
        $stat = (Get-Content -LiteralPath "/proc/$($fields[0])/stat" -TotalCount 1)
        if (($stat.Substring($stat.LastIndexOf(') ') + 2) -split ' ')[19] -ne $fields[3]) { return $null }
    }
    $backend = $null
    if ($fields.Count -ge 5 -and $fields[4].StartsWith('https://') -and
        (Test-Path -LiteralPath (Join-Path $Data '.state/gateway-ca.pem') -PathType Leaf)) { $backend = $fields[4] }
    return @{ Url = $fields[1]; Account = $fields[2]; Backend = $backend }
}

# The gateway to route through, when routing is on; a stopped gateway is never
# waited for (codex runs directly), unless routing says autostart.
function global:__cao_gateway([string]$Data) {
    $enabled = __cao_read_line (Join-Path $Data '.state/gateway-enabled')
    if ($null -eq $enabled) { return $null }
    $live = __cao_gateway_live $Data
    if ($live) { return $live }
    if ($enabled -ne 'autostart') {
        [Console]::Error.WriteLine('cao: the gateway is enabled but not running; running codex directly (start it: cao gateway start --detach)')
        return $null
    }
    __cao_exe gateway start --detach | Out-Null
    $live = __cao_gateway_live $Data
    if (-not $live) { [Console]::Error.WriteLine('cao: the gateway did not start; running codex directly') }
    return $live
}

# The user's main Codex home, as mainCodexHome() in src/core/paths.ts.
function global:__cao_main_home([string]$Data) {
    if ($env:CAO_MAIN_CODEX_HOME) { return $env:CAO_MAIN_CODEX_HOME }
    if ($env:CODEX_HOME) {
        $codexHome = $env:CODEX_HOME.TrimEnd('/', '\')
        $inside = $codexHome.StartsWith($Data + '/') -or $codexHome.StartsWith($Data + '\')
        if ($codexHome -ne $Data -and -not $inside) { return $env:CODEX_HOME }
    }
    return Join-Path $HOME '.codex'
}

# The transparent codex: the real binary, in the active account's home.
function global:codex {
    $data = __cao_data_dir
    $active = __cao_resolve $data
    if (-not $active) {
        [Console]::Error.WriteLine('cao: no account selected: `cao use NAME` sets the default, `cao pin NAME` this directory''s, `cao use --shell NAME` this shell''s')
        $global:LASTEXITCODE = 1
        return
    }
    $real = __cao_find_codex
    if (-not $real) {
        [Console]::Error.WriteLine('cao: the real codex was not found (install it with `npm install -g @openai/codex`, or set CAO_CODEX_BIN)')
        $global:LASTEXITCODE = 4
        return
    }
    $extra = @()
    $gateway = __cao_gateway $data
    if ($gateway) {
        # A TOML string; PowerShell 7.3+ passes the embedded quotes through as they are.
        $extra = @('-c', "openai_base_url=`"$($gateway.Url)`"")
        if ($gateway.Backend) { $extra += @('-c', "chatgpt_base_url=`"$($gateway.Backend)`"") }
        # The gateway's first account, unless this shell or a pin chose one (that choice stands).
        if ($active.Source -eq 'default') { $active = @{ Name = $gateway.Account; Source = 'gateway' } }
    }
    # (Join-Path refuses an empty name: checked first.)
    if (-not (__cao_valid_name $active.Name) -or -not (Test-Path -LiteralPath (Join-Path $data $active.Name) -PathType Container)) {
        [Console]::Error.WriteLine("cao: account `"$($active.Name)`" (from $($active.Source)) does not exist; see ``cao list``")
        $global:LASTEXITCODE = 2
        return
    }
    $accountHome = Join-Path $data $active.Name
    $main = __cao_main_home $data
    $mainConfig = Join-Path $main 'config.toml'
    $accountConfig = Join-Path $accountHome 'config.toml'
    if ((Test-Path -LiteralPath $mainConfig) -and (-not (Test-Path -LiteralPath $accountConfig) -or
            (Get-Item -LiteralPath $mainConfig).LastWriteTimeUtc -gt (Get-Item -LiteralPath $accountConfig).LastWriteTimeUtc)) {
        __cao_exe internal sync-config $active.Name
        if ($LASTEXITCODE -ne 0) { [Console]::Error.WriteLine("cao: could not re-sync the account's config.toml; using it as it is") }
    }
    $saved = @{
        CODEX_HOME = $env:CODEX_HOME; CODEX_SQLITE_HOME = $env:CODEX_SQLITE_HOME; CODEX_API_KEY = $env:CODEX_API_KEY
        CODEX_CA_CERTIFICATE = $env:CODEX_CA_CERTIFICATE
    }
    try {
        $env:CODEX_HOME = $accountHome
        $env:CODEX_SQLITE_HOME = $main
        if ($gateway -and $gateway.Backend) { $env:CODEX_CA_CERTIFICATE = Join-Path $data '.state/gateway-ca.pem' }
        Remove-Item -Path Env:CODEX_API_KEY -ErrorAction SilentlyContinue
        # `resume --last` and the picker are chosen across the pool by cao (Codex sees only this
        # account's sessions); the test is mentionsResume in src/run/resume-args.ts (case-sensitive,
        # hence -ccontains), cases in test/fixtures/resume-calls.json.
        if ($args -ccontains 'resume') { __cao_exe internal resume --codex $real -- @extra @args }
        else { & $real @extra @args }
    }
    finally {
        foreach ($name in $saved.Keys) {
            if ($null -eq $saved[$name]) { Remove-Item -Path "Env:$name" -ErrorAction SilentlyContinue }
            else { Set-Item -Path "Env:$name" -Value $saved[$name] }
        }
    }
}

# `cao use --shell NAME` must change this shell, which a child process cannot:
# the binary prints PowerShell code (it checks the name) and this function runs it.
function global:cao {
    if ($args.Count -gt 0 -and $args[0] -eq 'use' -and $args -contains '--shell') {
        $env:__CAO_SHELL = 'powershell'
        try {
            $code = __cao_exe @args
        }
        finally {
            Remove-Item -Path Env:__CAO_SHELL -ErrorAction SilentlyContinue
        }
        if ($LASTEXITCODE -eq 0 -and $code) { Invoke-Expression ($code -join "`n") }
        return
    }
    __cao_exe @args
}

# The prompt segment: the active account and its last known 5-hour usage, in
# $env:CAO_PROMPT, and the pool's headroom in $env:CAO_PROMPT_POOL ("pool N%"
# from .state/pool, written by src/core/pool-state.ts; its cases are
# test/fixtures/pool-prompt.json), so starship's env_var module can show them.
# Cmdlets and .NET calls only: no process is started per prompt.
function global:__cao_prompt_update {
    Remove-Item -Path Env:CAO_PROMPT -ErrorAction SilentlyContinue
    Remove-Item -Path Env:CAO_PROMPT_POOL -ErrorAction SilentlyContinue
    $data = __cao_data_dir
    $pool = __cao_fresh_figure (Join-Path $data '.state/pool')
    if ($null -ne $pool) { $env:CAO_PROMPT_POOL = "pool $pool%" }
    $active = __cao_resolve $data -Prompt
    if (-not $active -or -not (__cao_valid_name $active.Name)) { return }
    $segment = $active.Name
    $used = __cao_fresh_figure (Join-Path $data ".state/usage/$($active.Name)")
    if ($null -ne $used) { $segment = "$segment $used%" }
    $env:CAO_PROMPT = $segment
}

# The first field of the state file $Path (a whole number) while the second
# (unix seconds: a reset, or when the figure goes stale) has not come; $null otherwise.
function global:__cao_fresh_figure([string]$Path) {
    $fields = "$(__cao_read_line $Path)".Split(' ')
    if ($fields[0] -notmatch '^[0-9]+$') { return $null }
    $until = [long]0
    $known = $fields.Count -gt 1 -and [long]::TryParse($fields[1], [ref]$until)
    if ($known -and $until -le [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()) { return $null }
    return $fields[0]
}

# Re-sourcing is harmless: the functions above are simply redefined.
