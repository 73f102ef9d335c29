import path from "node:path";
import { type ActiveAccount, resolveActiveAccount } from "../core/active-account.js";
import { CaoError } from "../core/errors.js";
import { dataDir, stateDir } from "../core/paths.js";
import { readStateLine } from "../core/state-files.js";

/**
 * What the shell's prompt hook computes with builtins, computed here the same
 * way (for `cao prompt` and for tests that compare both): `ACCOUNT`, or
 * `ACCOUNT USED%` while the last known 5-hour window has not reset yet.
 */
export function promptSegment(nowMs = Date.now(), cwd = process.cwd()): string {
  const active = activeOrNone(cwd);
  if (!active) return "";
  const line = readStateLine(path.join(stateDir(dataDir()), "usage", active.name)) ?? "";
  const [used, reset] = line.trim().split(/\s+/);
  if (!used || !/^\d+$/.test(used)) return active.name;
  if (reset && /^\d+$/.test(reset) && Number(reset) * 1000 <= nowMs) return active.name;
  return `${active.name} ${used}%`;
}

/**
 * `$CAO_PROMPT_POOL` as the prompt hooks compute it: `pool N%` from
 * `.state/pool` (src/core/pool-state.ts), empty when the figure is unknown or
 * stale (a reset has come since it was written). The cases, run against this
 * and every shell's copy: test/fixtures/pool-prompt.json.
 */
export function poolPromptSegment(nowMs = Date.now(), dir = dataDir()): string {
  const line = readStateLine(path.join(stateDir(dir), "pool")) ?? "";
  const [percent, staleAt] = line.trim().split(/\s+/);
  if (!percent || !/^\d+$/.test(percent)) return "";
  if (staleAt && /^\d+$/.test(staleAt) && Number(staleAt) * 1000 <= nowMs) return "";
  return `pool ${percent}%`;
}

/** A prompt never fails: an invalid pin or $CAO_ACCOUNT shows no account (codex itself reports it). */
function activeOrNone(cwd: string): ActiveAccount | undefined {
  try {
    return resolveActiveAccount({ cwd });
  } catch (error) {
    if (error instanceof CaoError) return undefined;
    throw error;
  }
}
