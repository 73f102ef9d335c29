import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { fsErrorAsCaoError } from "../core/fs-error.js";
import { takeWarnings } from "../core/warnings.js";
import { log } from "./log.js";

/**
 * Runs a command body the way every cao command ends: a CaoError becomes its
 * one-line message (and hint) with its documented exit code, anything else is
 * an internal error (stack with CAO_DEBUG=1), and queued warnings are printed.
 */
export async function guarded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    await reportError(error);
  } finally {
    for (const message of takeWarnings()) await log.warn(message);
  }
}

async function reportError(raw: unknown): Promise<void> {
  const error = raw instanceof CaoError ? raw : (fsErrorAsCaoError(raw) ?? raw);
  if (error instanceof CaoError) {
    await log.error(error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message);
    process.exitCode = error.exitCode;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  await log.error(`internal error: ${message}`);
  if (process.env.CAO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = ExitCode.failure;
}
