import type { SourceOutcome } from "../../accounts/import-codex-auth.js";
import { log } from "../../terminal/log.js";

/** One line per source file, saying what happened to it; then the import's warnings. */
export async function reportOutcomes(outcomes: SourceOutcome[], warnings: string[] = []): Promise<void> {
  if (outcomes.length === 0) await log.warn("nothing to import: no logins found");
  for (const outcome of outcomes) {
    const line = `${outcome.source}: ${outcome.message}`;
    if (outcome.action === "skipped") await log.warn(line);
    else await log.success(line);
  }
  for (const warning of warnings) await log.warn(warning);
}
