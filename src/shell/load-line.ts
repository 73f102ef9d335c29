import { rcName } from "./render.js";
import { quote, type ShellName } from "./shells.js";

/**
 * The rc-file code that loads `cao ARGS`'s output: from the path cao was
 * installed at, else from the `cao` on PATH (nvm and fnm put each Node
 * version's global bins in their own dir, so a version switch can remove the
 * first), else one line on stderr saying why cao did not load. The shell
 * always starts.
 */
export function loadCaoLine(shell: ShellName, caoPath: string, args: string[], rc = rcName(shell)): string {
  const candidates = caoPath === "cao" ? ["cao"] : [quote(shell, caoPath), "cao"];
  const gone = caoPath === "cao" ? "no cao is on PATH" : `${caoPath} is gone and no cao is on PATH`;
  const hint = quote(
    shell,
    `cao: not loaded: ${gone} (another Node version?); install cao for it, or remove the cao block from ${rc}`,
  );
  const run = (exe: string) => [exe, ...args].join(" ");
  switch (shell) {
    case "bash":
    case "zsh":
      return `${candidates
        .map(
          (exe, i) =>
            `${i === 0 ? "if" : "elif"} \\command -v ${exe} >/dev/null 2>&1; then eval "$(${run(exe)})"; `,
        )
        .join("")}else \\builtin echo ${hint} >&2; fi`;
    case "fish":
      return `${candidates
        .map((exe, i) => `${i === 0 ? "if" : "else if"} command -q ${exe}; ${run(exe)} | source; `)
        .join("")}else; echo ${hint} >&2; end`;
    case "powershell":
      return `${candidates
        .map(
          (exe, i) =>
            `${i === 0 ? "if" : " elseif"} (Get-Command ${exe} -ErrorAction SilentlyContinue) { & ${run(exe)} | Out-String | Invoke-Expression }`,
        )
        .join("")} else { [Console]::Error.WriteLine(${hint}) }`;
  }
}
