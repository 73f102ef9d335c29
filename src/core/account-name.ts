import { usageError } from "./errors.js";

const MAX_LENGTH = 64;
// Letters, digits and . _ - @ + (so an email works as a name); first character
// alphanumeric, which rules out a leading dash, a leading dot and `..` alone.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/**
 * Names an account's directory must never take: cao's own files next to the
 * account homes in the data dir (and their backups, temp and rotated copies),
 * names kept for files cao may add there, and what Windows cannot create
 * (device names with any extension, a trailing dot, which Windows drops).
 * Compared case-insensitively: macOS and Windows file systems are.
 */
const RESERVED_PREFIXES = ["registry.", "account_status.", "gateway.", "cao.", "cao-"];
const RESERVED_SUFFIXES = [".json", ".pid", ".log", ".lock", ".tmp", ".bak", ".toml"];
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/;

/** Why a name is reserved, or undefined. Registered accounts with such a name can still be removed. */
export function reservedNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (name.endsWith(".")) return "it ends with a dot (Windows drops it)";
  if (WINDOWS_DEVICES.test(lower.split(".")[0] ?? "")) return "it is a Windows device name";
  if (
    RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix)) ||
    RESERVED_SUFFIXES.some((s) => lower.endsWith(s))
  ) {
    return "it is reserved for cao's own files in the data dir";
  }
  return undefined;
}

/** Returns the reason a name is unusable as an account (and directory) name, or undefined. */
export function accountNameProblem(
  name: string,
  options: { allowReserved?: boolean } = {},
): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  if (name.startsWith("-")) return "it starts with a dash";
  if (name.includes("/") || name.includes("\\")) return "it contains a path separator";
  if (name.includes("..")) return 'it contains ".."';
  if (!NAME_PATTERN.test(name)) {
    return "use letters, digits and . _ - @ + only, starting with a letter or digit";
  }
  return options.allowReserved ? undefined : reservedNameProblem(name);
}

export function validateAccountName(name: string, options: { allowReserved?: boolean } = {}): string {
  const problem = accountNameProblem(name, options);
  if (problem) throw usageError(`invalid account name ${JSON.stringify(name)}: ${problem}`);
  return name;
}
