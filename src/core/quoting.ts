// Every way cao quotes a value for a generated file, in one place: the shell
// scripts (shells/, rendered by src/shell/render.ts), the shims, services and
// config blocks (templates/, rendered by the gateway setup) and the lines cao
// prints for a shell to run.

/** A POSIX shell word (sh, bash, zsh): single quotes, with `'` written as `'\''`. */
export const shQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** A fish word: single quotes, where only \ and ' are special. */
export const fishQuote = (value: string): string =>
  `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/**
 * A PowerShell verbatim string: single quotes, with a quote doubled. PowerShell
 * also ends a single-quoted string at the typographic quotes U+2018, U+2019,
 * U+201A and U+201B, so those are doubled too.
 */
export const psQuote = (value: string): string =>
  `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, "$&$&")}'`;

/** One word of a systemd unit line (ExecStart=, Environment=), double-quoted with C escapes. */
export const systemdQuote = (value: string): string =>
  `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%").replaceAll("$", "$$")}"`;

/** Text inside an XML element or attribute (launchd plists). */
export const xmlEscape = (value: string): string =>
  value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A TOML basic string; JSON's escapes are a subset TOML accepts. */
export const tomlString = (value: string): string => JSON.stringify(value);
