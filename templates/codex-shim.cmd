@echo off
rem cao-codex-shim: `codex` through cao (written by `cao gateway enable`, removed by `cao gateway disable`).
rem cmd.exe finds this file first (PATHEXT); the work is done by codex.ps1 next to it.
powershell.exe -NoLogo -NoProfile -ExecutionPolicy Bypass -File "%~dp0codex.ps1" %*
exit /b %ERRORLEVEL%
