import { usageError } from "../core/errors.js";
import { printJson, printOut } from "../terminal/stdout.js";
import { doctorExitCode, renderDoctor, runDoctor } from "./doctor/run.js";

function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw usageError(`${flag} needs a number >= 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

export async function runDoctorCommand(options: {
  json: boolean;
  expiresWithinHours: string | undefined;
  maxFailures: string | undefined;
}): Promise<void> {
  const report = await runDoctor({
    expiresWithinHours: positiveNumber("--expires-within-hours", options.expiresWithinHours, 24),
    maxFailures: positiveNumber("--max-failures", options.maxFailures, 3),
  });
  if (options.json) printJson(report);
  else printOut(renderDoctor(report));
  process.exitCode = doctorExitCode(report);
}
