# cao prompt hook for PowerShell (`cao init powershell --prompt` or
# `--prompt-hook`): keeps $env:CAO_PROMPT current. Your prompt function is kept
# once as __cao_user_prompt (so sourcing this again does not wrap it twice)
# and still draws the prompt, seeing the same $? and $LASTEXITCODE it would
# have seen without cao.
if (-not (Test-Path -Path Function:\__cao_user_prompt)) {
    Set-Item -Path Function:\global:__cao_user_prompt -Value $function:prompt
}

$global:__cao_show_prompt = $false

function global:prompt {
    $caoSucceeded = $?
    $caoExitCode = $global:LASTEXITCODE
    __cao_prompt_update
    $global:LASTEXITCODE = $caoExitCode
    # $? cannot be assigned; a failed no-op sets it back to $false (starship's way).
    if (-not $caoSucceeded) { Write-Error -Message '' -ErrorAction Ignore }
    $userPrompt = __cao_user_prompt
    if ($global:__cao_show_prompt -and $env:CAO_PROMPT) { return "[$env:CAO_PROMPT] " + ($userPrompt -join '') }
    return $userPrompt
}
