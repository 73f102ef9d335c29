import { usageError } from "./errors.js";

const MAX_LENGTH = 64;
// Letters, digits and . _ - @ + (so an email works as a name); first character
// alphanumeric, which rules out a leading dash, a leading dot and `..` alone.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/** Returns the reason a name is unusable as an account (and directory) name, or undefined. */
export function accountNameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  if (name.startsWith("-")) return "it starts with a dash";
  if (name.includes("/") || name.includes("\\")) return "it contains a path separator";
  if (name.includes("..")) return 'it contains ".."';
  if (!NAME_PATTERN.test(name)) {
    return "use letters, digits and . _ - @ + only, starting with a letter or digit";
  }
  return undefined;
}

export function validateAccountName(name: string): string {
  const problem = accountNameProblem(name);
  if (problem) throw usageError(`invalid account name ${JSON.stringify(name)}: ${problem}`);
  return name;
}
