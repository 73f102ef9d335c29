# cao-codex-shim: `codex` through cao (written by `cao gateway enable`, removed by `cao gateway disable`).
# The line above is the marker every cao shim carries: the PATH walk below (and cao itself) skips any
# file containing it, so a shim never runs itself or another shim, with no exported guard variable.
$ErrorActionPreference = 'Stop'
$caoData = if ($env:CAO_HOME) { $env:CAO_HOME } else { @CAO_DATA_DIR@ }
$caoShimDir = @CAO_SHIM_DIR@

# The real codex: the first codex on PATH outside this directory that is not a cao shim.
$caoReal = $null
foreach ($dir in ($env:PATH -split [IO.Path]::PathSeparator)) {
  if (-not $dir -or $dir.TrimEnd('\', '/') -eq $caoShimDir.TrimEnd('\', '/')) { continue }
  foreach ($name in 'codex.exe', 'codex.cmd', 'codex.ps1', 'codex') {
    $file = Join-Path $dir $name
    if (-not (Test-Path -LiteralPath $file -PathType Leaf)) { continue }
    $head = Get-Content -LiteralPath $file -TotalCount 3 -ErrorAction SilentlyContinue
    if ($head -match 'cao-codex-shim') { continue }
    $caoReal = $file
    break
  }
  if ($caoReal) { break }
}
if (-not $caoReal) {
  [Console]::Error.WriteLine("cao: the real codex was not found on PATH (the cao shim in $caoShimDir skips itself)")
  exit 4
}

function Read-CaoLine([string]$file) {
  if (Test-Path -LiteralPath $file -PathType Leaf) {
    $line = Get-Content -LiteralPath $file -TotalCount 1
    if ($line) { return ([string]$line).Trim() }
  }
  return ''
}

# The account, with the shell wrapper's precedence: $env:CAO_ACCOUNT > nearest .cao-account pin > default
# (the cases: test/fixtures/account-resolution.json). $caoChosen says a source decided, even with an
# invalid name: the nearest pin decides, an invalid one is reported below, never skipped.
$caoAccount = [string]$env:CAO_ACCOUNT
$caoChosen = [bool]$caoAccount
# Chosen by $CAO_ACCOUNT or a pin: that choice stands with the gateway too.
$caoExplicit = $caoChosen
if (-not $caoChosen) {
  $dir = (Get-Location).ProviderPath
  while ($dir) {
    $pinFile = Join-Path $dir '.cao-account'
    if (Test-Path -LiteralPath $pinFile -PathType Leaf) {
      $caoAccount = Read-CaoLine $pinFile
      $caoChosen = $true
      $caoExplicit = $true
      break
    }
    $dir = Split-Path -Parent $dir
  }
}
if (-not $caoChosen) {
  $caoAccount = Read-CaoLine (Join-Path $caoData '.state/default')
  $caoChosen = [bool]$caoAccount
}

# Routing through the gateway: on when .state/gateway-enabled exists, used only while .state/gateway
# names a running process (codex would retry a closed port forever).
$caoUrl = $null
$caoBackend = $null
$enabledFile = Join-Path $caoData '.state/gateway-enabled'
if (Test-Path -LiteralPath $enabledFile -PathType Leaf) {
  $mode = Read-CaoLine $enabledFile
  foreach ($try in 1, 2) {
    $fields = (Read-CaoLine (Join-Path $caoData '.state/gateway')) -split ' '
    $alive = $fields.Count -ge 3 -and $fields[0] -match '^[0-9]+$' -and (Get-Process -Id ([int]$fields[0]) -ErrorAction SilentlyContinue)
    # A pid alone may have been reused: where /proc exists (pwsh on Linux) the start time must match too.
    if ($alive -and $fields.Count -ge 4 -and $fields[3] -match '^[0-9]+$' -and (Test-Path -LiteralPath "/proc/$($fields[0])/stat")) {
      $stat = (Get-Content -LiteralPath "/proc/$($fields[0])/stat" -TotalCount 1)
      $alive = ($stat.Substring($stat.LastIndexOf(') ') + 2) -split ' ')[19] -eq $fields[3]
    }
    if ($alive) {
      $caoUrl = $fields[1]
      # Codex's chatgpt_base_url: only https, with its CA bundle there (the rule of gatewayCodexLaunch in
      # src/core/gateway-state.ts; cases in test/fixtures/gateway-launch.json).
      if ($fields.Count -ge 5 -and $fields[4].StartsWith('https://') -and
          (Test-Path -LiteralPath (Join-Path $caoData '.state/gateway-ca.pem') -PathType Leaf)) { $caoBackend = $fields[4] }
      if (-not $caoExplicit) {
        $caoAccount = $fields[2]
        $caoChosen = $true
      }
      break
    }
    if ($try -ne 1) { break }
    if ($mode -ne 'autostart') {
      [Console]::Error.WriteLine('cao: the gateway is enabled but not running; running codex directly (start it: cao gateway start --detach)')
      break
    }
    $env:CAO_HOME = $caoData
    & @CAO_COMMAND@ gateway start --detach *> $null
    if ($LASTEXITCODE -ne 0) {
      [Console]::Error.WriteLine('cao: the gateway did not start; running codex directly (see `cao gateway logs`)')
    }
  }
}

# No account chosen anywhere: plain codex (the shim never stands in the way of a user without cao accounts).
if ($caoChosen) {
  # Account names as src/core/account-name.ts accepts them.
  $valid = $caoAccount.Length -le 64 -and $caoAccount -cmatch '^[A-Za-z0-9][A-Za-z0-9._@+-]*$' -and -not $caoAccount.Contains('..')
  # (Join-Path refuses an empty name: checked first.)
  if (-not $valid -or -not (Test-Path -LiteralPath (Join-Path $caoData $caoAccount) -PathType Container)) {
    [Console]::Error.WriteLine("cao: account `"$caoAccount`" does not exist; see ``cao list``")
    exit 2
  }
  $accountHome = Join-Path $caoData $caoAccount
  $main = $env:CAO_MAIN_CODEX_HOME
  if (-not $main) {
    $main = $env:CODEX_HOME
    if (-not $main -or $main.StartsWith($caoData)) { $main = Join-Path $HOME '.codex' }
  }
  # The account's config.toml is the main one plus cao's keys: re-merge it when the main one changed.
  $mainConfig = Join-Path $main 'config.toml'
  $accountConfig = Join-Path $accountHome 'config.toml'
  if ((Test-Path -LiteralPath $mainConfig) -and (-not (Test-Path -LiteralPath $accountConfig) -or
      (Get-Item -LiteralPath $mainConfig).LastWriteTimeUtc -gt (Get-Item -LiteralPath $accountConfig).LastWriteTimeUtc)) {
    $env:CAO_HOME = $caoData
    $env:CAO_MAIN_CODEX_HOME = $main
    & @CAO_COMMAND@ internal sync-config $caoAccount
    if ($LASTEXITCODE -ne 0) {
      [Console]::Error.WriteLine("cao: could not re-sync the account's config.toml; using it as it is")
    }
  }
  $env:CODEX_HOME = $accountHome
  $env:CODEX_SQLITE_HOME = $main
  # With forced_login_method="chatgpt", CODEX_API_KEY makes Codex delete auth.json.
  Remove-Item Env:CODEX_API_KEY -ErrorAction SilentlyContinue
}

$caoExtra = @()
if ($caoUrl) { $caoExtra = @('-c', "openai_base_url=`"$caoUrl`"") }
if ($caoUrl -and $caoBackend) {
  $caoExtra += @('-c', "chatgpt_base_url=`"$caoBackend`"")
  $env:CODEX_CA_CERTIFICATE = Join-Path $caoData '.state/gateway-ca.pem'
}
# `resume --last` and the picker are chosen across the pool by cao (Codex sees only this account's
# sessions); the test is mentionsResume in src/run/resume-args.ts (case-sensitive, hence -ccontains),
# cases in test/fixtures/resume-calls.json. Only with an account: plain codex stays plain.
if ($caoChosen -and ($args -ccontains 'resume')) {
  $env:CAO_HOME = $caoData
  & @CAO_COMMAND@ internal resume --codex $caoReal -- @caoExtra @args
} else {
  & $caoReal @caoExtra @args
}
exit $LASTEXITCODE
