import { ExitCode, type ExitCodeValue } from "./exit-codes.js";

/**
 * An error meant for the user: a one-line message, an optional hint line and
 * the documented exit code. Anything else that escapes a command is a bug.
 */
export class CaoError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CaoError";
  }
}

export function usageError(message: string, hint?: string): CaoError {
  return new CaoError(message, ExitCode.usage, hint);
}

/** Node's errno errors, narrowed without `any`. */
export function errnoCode(error: unknown): string | undefined {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}
