import fs from "node:fs";
import path from "node:path";

/**
 * Finding the rollout file(s) codex wrote during one run. Codex files them
 * under `sessions/YYYY/MM/DD/` by its local date, as
 * `rollout-<local time>-<session id>.jsonl`; `sessions/` is shared by every
 * account home (a symlink into the main Codex home), so other codex processes
 * write there at the same time: callers narrow the candidates down.
 */

const HOUR_MS = 60 * 60 * 1000;
/** Filesystems round mtimes; a file written right at the start must not be missed. */
const MTIME_SLACK_MS = 1000;

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The day directories a run from `fromMs` to `toMs` may have written to: Codex
 * uses local dates (UTC ones are added as a safety net). Every day lasts at
 * least 23 hours, so sampling each hour meets every date.
 */
export function sessionDayDirs(sessionsDir: string, fromMs: number, toMs: number): string[] {
  const dirs = new Set<string>();
  for (let t = fromMs; ; t = Math.min(t + HOUR_MS, toMs)) {
    const d = new Date(t);
    dirs.add(path.join(sessionsDir, String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate())));
    dirs.add(
      path.join(sessionsDir, String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())),
    );
    if (t >= toMs) break;
  }
  return [...dirs];
}

export function rolloutNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((name) => name.startsWith("rollout-") && name.endsWith(".jsonl"));
  } catch {
    return [];
  }
}

/** Rollout files in the run's day directories that were written to since `sinceMs`. */
export function recentRollouts(sessionsDir: string, sinceMs: number, untilMs: number): string[] {
  const files: string[] = [];
  for (const dir of sessionDayDirs(sessionsDir, sinceMs, untilMs)) {
    for (const name of rolloutNames(dir)) {
      const file = path.join(dir, name);
      try {
        if (fs.statSync(file).mtimeMs >= sinceMs - MTIME_SLACK_MS) files.push(file);
      } catch {
        // Archived or deleted while we looked.
      }
    }
  }
  return files;
}

/**
 * The rollout file of a known session: first in the run's day directories,
 * then (a resumed older session) in every day directory.
 */
export function rolloutForSession(
  sessionsDir: string,
  sessionId: string,
  sinceMs: number,
  untilMs: number,
): string | undefined {
  const suffix = `-${sessionId}.jsonl`;
  const find = (dirs: string[]) => {
    for (const dir of dirs) {
      const name = rolloutNames(dir).find((n) => n.endsWith(suffix));
      if (name) return path.join(dir, name);
    }
    return undefined;
  };
  return find(sessionDayDirs(sessionsDir, sinceMs, untilMs)) ?? find(allDayDirs(sessionsDir));
}

/** Every day directory under `sessions/`, newest first. */
export function allDayDirs(sessionsDir: string): string[] {
  const subdirs = (dir: string) => {
    try {
      return fs
        .readdirSync(dir)
        .filter((name) => /^\d+$/.test(name))
        .sort()
        .reverse()
        .map((name) => path.join(dir, name));
    } catch {
      return [];
    }
  };
  return subdirs(sessionsDir).flatMap(subdirs).flatMap(subdirs);
}
