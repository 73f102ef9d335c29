import path from "node:path";
import { loadSnapshot, poolOf } from "./account-view.js";
import { withFileLock } from "./file-lock.js";
import { dataDir, locksDir, stateDir } from "./paths.js";
import { accountSettings, type Settings } from "./pool-policy.js";
import { readStateLine, writeStateLine } from "./state-files.js";
import { warn } from "./warnings.js";

/**
 * `.state/pool` for the prompt hooks (`$CAO_PROMPT_POOL`, shells/cao.*):
 *
 *   <headroom percent> <stale at>     integers, "-" where unknown
 *
 * The headroom is the one `cao status` shows (pauses and reserves applied,
 * cooling accounts used up, dead logins left out; 0 when no account is
 * usable). It holds until the first window reset or cooldown end of an
 * unpaused account (unix seconds): the pool has more room after it, so the
 * prompt hides the figure from then until an observation rewrites the line.
 */
export function poolStateLine(percent: number | undefined, staleAtMs: number | undefined): string {
  const field = (value: number | undefined) => (value === undefined ? "-" : String(Math.round(value)));
  return `${field(percent)} ${field(staleAtMs === undefined ? undefined : Math.ceil(staleAtMs / 1000))}`;
}

/**
 * Recomputes the line from the files as they are now and writes it when it
 * changed, under the status lock (`underStatusLock`: the caller holds it), as
 * every status update does: the last line written is made from the last
 * statuses. A shell's cache, not a record: a failure is a warning, never the
 * failure of the change it follows.
 */
export function refreshPoolState(
  settings: Settings,
  dir = dataDir(),
  options: { underStatusLock?: boolean; nowMs?: number } = {},
): void {
  const write = () => writePoolState(settings, dir, options.nowMs ?? Date.now());
  try {
    if (options.underStatusLock) write();
    else withFileLock(path.join(locksDir(dir), "status.lock"), write);
  } catch (error) {
    warn(`could not update the pool's prompt line: ${error instanceof Error ? error.message : error}`);
  }
}

function writePoolState(settings: Settings, dir: string, nowMs: number): void {
  const snapshot = loadSnapshot(dir, nowMs);
  const pool = poolOf(snapshot, settings, nowMs);
  const ends = snapshot.accounts
    .filter((a) => !accountSettings(settings, a.name).paused)
    .flatMap((a) => [a.fiveHour?.resetsAtMs, a.weekly?.resetsAtMs, a.status.cooldownUntilMs])
    .filter((at): at is number => typeof at === "number" && at > nowMs);
  const percent = pool.percent ?? (pool.total > 0 ? 0 : undefined);
  const line = poolStateLine(percent, ends.length > 0 ? Math.min(...ends) : undefined);
  const file = path.join(stateDir(dir), "pool");
  // Cache only (rewritten on the next change): no fsync, and no write when nothing changed.
  if (readStateLine(file) !== line) writeStateLine(file, line, false);
}
