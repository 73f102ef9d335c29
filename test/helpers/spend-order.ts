import fs from "node:fs";
import path from "node:path";
import type { RateLimits, StatusMap } from "../../src/core/account-status.js";
import { repoRoot } from "./cli.js";

/** One case of test/fixtures/spend-order.json (its "about" says what the fields mean). */
export interface SpendOrderCase {
  name: string;
  settings: string;
  order: string[];
}

type Usage = [used: number, hoursToReset: number];

const table = JSON.parse(fs.readFileSync(path.join(repoRoot, "test/fixtures/spend-order.json"), "utf8")) as {
  default: string;
  accounts: Record<string, { primary?: Usage; secondary?: Usage }>;
  baseSettings: string;
  cases: SpendOrderCase[];
};

export const SPEND_ORDER_DEFAULT = table.default;
/** Registry order. */
export const SPEND_ORDER_ACCOUNTS: readonly string[] = Object.keys(table.accounts);
export const SPEND_ORDER_CASES: readonly SpendOrderCase[] = table.cases;

/** cao.toml for a case: the table's pause and reserve, then the case's own keys. */
export const caseSettings = (testCase: SpendOrderCase): string => `${table.baseSettings}${testCase.settings}`;

/** The accounts' last known usage as the status store holds it, resets counted from `nowMs`. */
export function spendOrderStatuses(nowMs: number): StatusMap {
  const window = (usage: Usage | undefined) =>
    usage && { usedPercent: usage[0], resetsAtMs: Math.round(nowMs + usage[1] * 3600_000) };
  return Object.fromEntries(
    Object.entries(table.accounts).map(([name, { primary, secondary }]) => {
      const rateLimits: RateLimits = { observedAtMs: nowMs };
      const p = window(primary);
      const s = window(secondary);
      if (p) rateLimits.primary = p;
      if (s) rateLimits.secondary = s;
      return [name, p || s ? { rateLimits } : {}];
    }),
  );
}
