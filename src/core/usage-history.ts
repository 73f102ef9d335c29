import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDir } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { readJsonFile, writeJsonFile } from "./json-file.js";
import { dataDir, locksDir } from "./paths.js";
import type { RateLimits } from "./rate-limits.js";
import { warn } from "./warnings.js";

/**
 * Every usage observation per account (x-codex-* headers, codex.rate_limits
 * events, /wham/usage, rollout token_count: all of them reach the status store
 * through updateAccountStatus in status-update.ts, which appends here). One JSON file per account:
 *
 *   .history/<account>.json   {"version":1,"samples":[[atMs, p, pResetMs, s, sResetMs], ...]}
 *
 * p/s are the 5-hour and weekly used percent (null: not reported), resets in
 * unix ms. Bounded: 28 days, thinned with age (one sample per 5 minutes after
 * a day, per 30 minutes after a week; a window reset always kept), flat runs
 * kept as their first and last sample, at most MAX_SAMPLES (~70 KB). Writes are
 * atomic under a lock; a corrupt file is backed up and started fresh.
 */
export type Sample = [
  atMs: number,
  p: number | null,
  pReset: number | null,
  s: number | null,
  sReset: number | null,
];

/** An observation as the status store holds it. */
export type ObservedLimits = RateLimits;

export const MAX_AGE_MS = 28 * 86_400_000;
export const MAX_SAMPLES = 1500;
const DAY = 86_400_000;
const THINNING: [olderThanMs: number, bucketMs: number][] = [
  [7 * DAY, 30 * 60_000],
  [DAY, 5 * 60_000],
];
/** Reset times jitter by a second or two between answers: the same window within this. */
export const SAME_RESET_MS = 120_000;

export const historyDir = (dir = dataDir()): string => path.join(dir, ".history");
export const historyPath = (account: string, dir = dataDir()): string =>
  path.join(historyDir(dir), `${account}.json`);

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function sanitize(value: unknown): Sample[] {
  const samples = (value as { samples?: unknown } | null)?.samples;
  if (!Array.isArray(samples)) return [];
  const out: Sample[] = [];
  for (const row of samples) {
    if (!Array.isArray(row) || num(row[0]) === null) continue;
    out.push([row[0] as number, num(row[1]), num(row[2]), num(row[3]), num(row[4])]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

export function removeHistory(account: string, dir = dataDir()): void {
  fs.rmSync(historyPath(account, dir), { force: true });
}

export function loadHistory(account: string, dir = dataDir()): Sample[] {
  const file = historyPath(account, dir);
  const result = readJsonFile(file);
  if (result.kind === "missing") return [];
  if (result.kind === "corrupt") {
    warn(`${file} is not valid JSON; kept a copy at ${result.backupPath} and started fresh`);
    return [];
  }
  return sanitize(result.value);
}

export function sampleOf(limits: ObservedLimits): Sample {
  const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
  return [
    limits.observedAtMs,
    round(limits.primary?.usedPercent),
    limits.primary?.resetsAtMs ?? null,
    round(limits.secondary?.usedPercent),
    limits.secondary?.resetsAtMs ?? null,
  ];
}

export function appendUsage(account: string, limits: ObservedLimits, dir = dataDir()): void {
  ensurePrivateDir(historyDir(dir));
  withFileLock(path.join(locksDir(dir), "history.lock"), () => {
    const samples = compact([...loadHistory(account, dir), sampleOf(limits)], Date.now());
    // A cache of observations like the status file: no fsync on the request path.
    writeJsonFile(historyPath(account, dir), { version: 1, samples }, 0o600, false);
  });
}

const sameValues = (a: Sample, b: Sample) =>
  a[1] === b[1] && a[3] === b[3] && sameReset(a[2], b[2]) && sameReset(a[4], b[4]);

export const sameReset = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= SAME_RESET_MS);

const resetBucket = (reset: number | null) =>
  reset === null ? "-" : Math.round(reset / (5 * SAME_RESET_MS));

/** Applies every bound; pure, so the rules are tested on synthetic histories. */
export function compact(input: Sample[], now: number): Sample[] {
  const sorted = input
    .filter((s) => s[0] > now - MAX_AGE_MS && s[0] <= now + 60_000)
    .sort((a, b) => a[0] - b[0]);
  // Flat runs: keep the first and the last sample (the pace needs both ends).
  const flat: Sample[] = [];
  for (const sample of sorted) {
    const last = flat.at(-1);
    const before = flat.at(-2);
    if (last && before && sameValues(last, sample) && sameValues(before, last))
      flat[flat.length - 1] = sample;
    else flat.push(sample);
  }
  // Thinning: the last sample per time bucket, separately per window (a reset starts a new bucket).
  const thinned: Sample[] = [];
  const bucketOf = (s: Sample) => {
    const rule = THINNING.find(([age]) => s[0] < now - age);
    return rule ? `${Math.floor(s[0] / rule[1])}:${resetBucket(s[2])}:${resetBucket(s[4])}` : undefined;
  };
  for (const sample of flat) {
    const last = thinned.at(-1);
    const key = bucketOf(sample);
    if (last && key !== undefined && key === bucketOf(last)) thinned[thinned.length - 1] = sample;
    else thinned.push(sample);
  }
  return thinned.slice(-MAX_SAMPLES);
}
