import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { caoCacheDir } from "../core/cache-dir.js";
import { CaoError, errnoCode } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { caoVersion } from "../core/version.js";
import { loadCaoLine } from "./load-line.js";
import { type InitOptions, initFlags, rcName, renderInit } from "./render.js";
import { quote, SHELL_EXTENSION, type ShellName } from "./shells.js";

/**
 * The cached init: the full script in a file the rc file sources, so a new
 * shell starts without Node. The file checks, with builtins, that cao's
 * package.json still has the version it was made for, and otherwise makes
 * itself again (one Node call after an upgrade) and loads the new one.
 */
const packageJson = path.join(import.meta.dirname, "../../package.json");

export function initCacheFile(shell: ShellName, options: InitOptions, env = process.env): string {
  const dir = caoCacheDir(env) ?? path.join(os.homedir(), ".cache", "cao");
  const suffix = initFlags(options).join("");
  return path.join(dir, `init-${shell}${suffix}.${SHELL_EXTENSION[shell]}`);
}

/** Writes the cache file (atomically, only when its content changed) and returns its path. */
export function writeInitCache(shell: ShellName, caoPath: string, options: InitOptions): string {
  const file = initCacheFile(shell, options);
  const content = renderCachedInit(shell, caoPath, options, file);
  try {
    if (readOrUndefined(file) !== content) {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileAtomic(file, content, { mode: 0o644 });
    }
  } catch (error) {
    throw new CaoError(`cannot write ${file}: ${errnoCode(error) ?? String(error)}`, ExitCode.failure);
  }
  return file;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** What `cao init SHELL --cached` prints: load the cache file just written, and the rc line that does it. */
export function cacheLoader(shell: ShellName, file: string, caoPath: string, options: InitOptions): string {
  const q = quote(shell, file);
  const load =
    shell === "fish"
      ? `source ${q}`
      : shell === "powershell"
        ? `. ${q}`
        : `# shellcheck source=/dev/null\n. ${q}`;
  return (
    `# cao init for ${shell}, cached in ${file} (made again when cao's version changes).\n${load}\n` +
    `# To load it in every new ${shell} without starting Node, add this line to your ${rcName(shell)}\n` +
    `# (or run \`cao init ${shell} --cached --install\`):\n#   ${cachedInstallLine(shell, file, caoPath, options)}\n`
  );
}

/** The rc line for the cached form: source the file, or make it when it is missing. */
export function cachedInstallLine(
  shell: ShellName,
  file: string,
  caoPath: string,
  options: InitOptions,
  rc?: string,
): string {
  const q = quote(shell, file);
  // Without the cache file: make it, from wherever cao is now (load-line.ts).
  const load = loadCaoLine(shell, caoPath, ["init", shell, "--cached", ...initFlags(options)], rc);
  switch (shell) {
    case "bash":
    case "zsh":
      return `if [ -r ${q} ]; then . ${q}; ${load.replace(/^if /, "elif ")}`;
    case "fish":
      return `if test -r ${q}; source ${q}; else ${load}`;
    case "powershell":
      return `if (Test-Path ${q}) { . ${q} } else { ${load} }`;
  }
}

/** The cache file's content: the version guard, then the init script. */
export function renderCachedInit(
  shell: ShellName,
  caoPath: string,
  options: InitOptions,
  file: string,
): string {
  return versionGuard(shell, caoPath, options, file) + renderInit(shell, caoPath, options);
}

function versionGuard(shell: ShellName, caoPath: string, options: InitOptions, file: string): string {
  const pkg = quote(shell, packageJson);
  const version = quote(shell, caoVersion());
  const self = quote(shell, file);
  const regenerate = [quote(shell, caoPath), "init", shell, "--cached", ...initFlags(options)].join(" ");
  const header =
    `# cao init for ${shell}, cached for cao ${caoVersion()} by \`cao init ${shell} --cached\`.\n` +
    "# Before loading, it compares that version with cao's package.json (builtins only)\n" +
    "# and, after an upgrade, makes itself again; if cao is gone it loads as it is.\n";
  switch (shell) {
    case "bash":
      return `${header}__cao_cache_is_stale() {
  \\builtin local __cao_json=''
  [ "\${1-}" != --cao-fresh ] && [ -r ${pkg} ] || return 1
  \\builtin read -r -d '' __cao_json <${pkg}
  [[ $__cao_json =~ \\"version\\"[[:space:]]*:[[:space:]]*\\"([^\\"]*)\\" ]] && [ "\${BASH_REMATCH[1]}" != ${version} ]
}
if __cao_cache_is_stale "$@" && ${regenerate} >/dev/null; then
  \\builtin unset -f __cao_cache_is_stale
  \\builtin source ${self} --cao-fresh
  \\builtin return
fi
\\builtin unset -f __cao_cache_is_stale
`;
    case "zsh":
      return `${header}__cao_cache_is_stale() {
  \\builtin emulate -L zsh
  \\builtin local __cao_json='' MATCH MBEGIN MEND
  \\builtin local -a match mbegin mend
  [[ \${1-} != --cao-fresh && -r ${pkg} ]] || return 1
  \\builtin read -r -d '' __cao_json <${pkg}
  [[ $__cao_json =~ '"version"[[:space:]]*:[[:space:]]*"([^"]*)"' ]] && [[ $match[1] != ${version} ]]
}
if __cao_cache_is_stale "$@" && ${regenerate} >/dev/null; then
  \\builtin unfunction __cao_cache_is_stale
  \\builtin source ${self} --cao-fresh
  \\builtin return
fi
\\builtin unfunction __cao_cache_is_stale
`;
    case "fish":
      return `${header}function __cao_cache_is_stale
    contains -- --cao-fresh $argv; and return 1
    test -r ${pkg}; or return 1
    read -l -z __cao_json <${pkg}
    set -l __cao_version (string match -r -g '"version"\\s*:\\s*"([^"]*)"' -- $__cao_json)
    test -n "$__cao_version"; and test "$__cao_version" != ${version}
end
if __cao_cache_is_stale $argv; and ${regenerate} >/dev/null
    functions -e __cao_cache_is_stale
    source ${self} --cao-fresh
    return
end
functions -e __cao_cache_is_stale
`;
    case "powershell":
      return `${header}if (($args -notcontains '--cao-fresh') -and (Test-Path -LiteralPath ${pkg})) {
    $__caoVersion = (Get-Content -LiteralPath ${pkg} -Raw | ConvertFrom-Json).version
    if ($__caoVersion -and $__caoVersion -ne ${version}) {
        Remove-Variable __caoVersion
        & ${regenerate} | Out-Null
        . ${self} --cao-fresh
        return
    }
    Remove-Variable __caoVersion
}
`;
  }
}
