import { formatDuration, isoOrNull, relativeTime } from "../core/time-format.js";
import type { Sample } from "../core/usage-history.js";
import { WINDOWS, type WindowName } from "./forecast.js";
import type { PoolModel } from "./pool-model.js";

/**
 * `cao usage`: per account a sparkline of each window over `--since`, resets
 * marked below it (`╵`), the pace and the forecast; the pool's headroom and
 * forecast on top. Columns without any observation yet are blank.
 */
const BLOCKS = "▁▂▃▄▅▆▇█";
const LABEL: Record<WindowName, string> = { primary: "5h", secondary: "weekly" };

export interface ChartLine {
  spark: string;
  marks: string;
}

export function sparkline(
  samples: readonly Sample[],
  w: WindowName,
  fromMs: number,
  toMs: number,
  width: number,
): ChartLine {
  const col = (t: number) =>
    Math.min(width - 1, Math.max(0, Math.floor(((t - fromMs) / (toMs - fromMs)) * width)));
  const idx = w === "primary" ? 1 : 3;
  const values: (number | undefined)[] = new Array(width).fill(undefined);
  const marks = new Array<string>(width).fill(" ");
  let last: { used: number; reset: number | null } | undefined;
  let s = 0;
  const known = samples.filter((x) => x[idx] !== null);
  for (let c = 0; c < width; c++) {
    const end = fromMs + ((c + 1) * (toMs - fromMs)) / width;
    let max: number | undefined;
    while (s < known.length && known[s]![0] < end) {
      const sample = known[s++]!;
      last = { used: sample[idx] as number, reset: sample[idx + 1] as number | null };
      if (sample[0] >= fromMs) max = Math.max(max ?? 0, last.used);
    }
    // Carried forward until the window it belongs to resets.
    if (max === undefined && last) max = last.reset !== null && last.reset <= end ? 0 : last.used;
    values[c] = max;
  }
  // Resets: every window end the samples name that falls in the chart.
  for (const x of known) {
    const r = x[idx + 1];
    if (typeof r === "number" && r >= fromMs && r <= toMs) marks[col(r)] = "╵";
  }
  const spark = values
    .map((v) => (v === undefined ? " " : BLOCKS[Math.min(7, Math.floor((Math.max(0, v) / 100) * 8))]))
    .join("");
  return { spark, marks: marks.join("").trimEnd() };
}

const pct = (v: number | undefined) => (v === undefined ? "  ?" : `${String(Math.round(v)).padStart(3)}%`);
const when = (atMs: number | undefined, now: number) =>
  atMs === undefined ? "" : atMs <= now ? "now" : `in ${formatDuration(atMs - now)}`;

export function renderUsage(model: PoolModel, sinceMs: number, columns = 100): string {
  const now = model.nowMs;
  const from = now - sinceMs;
  const width = Math.max(16, Math.min(60, columns - 34));
  const { pool } = model;
  const out: string[] = [];
  const head = [
    `pool · ${model.accounts.filter((a) => a.usable).length} of ${model.accounts.length} accounts usable`,
  ];
  if (pool.headroomPercent !== undefined) head.push(`headroom ${pool.headroomPercent}%`);
  head.push(
    `5h ${Math.round(pool.headroom.primary)} pts`,
    `weekly ${Math.round(pool.headroom.secondary)} pts left`,
  );
  out.push(head.join(" · "));
  const demand = pool.demandPerHour.primary;
  if (pool.runsOutAtMs !== undefined) {
    const back = pool.nextReset
      ? ` · next reset that matters: ${pool.nextReset.account} ${when(pool.nextReset.atMs, now)}`
      : "";
    out.push(`forecast: the pool runs out ${when(pool.runsOutAtMs, now)} at the recent pace${back}`);
  } else if (demand !== undefined && demand > 0) {
    out.push(`forecast: the pool lasts past the next ${formatDuration(8 * 86_400_000)} at the recent pace`);
  } else out.push("forecast: no recent use to go by");
  out.push(
    `history: last ${formatDuration(sinceMs)}, one column ≈ ${formatDuration(sinceMs / width)}; ╵ = window reset`,
  );
  model.accounts.forEach((account, i) => {
    const input = model.inputs[i]!;
    const status = account.usable
      ? ""
      : model.settings.accounts[account.name]?.paused
        ? " (paused)"
        : " (needs a new login)";
    out.push(
      "",
      `${account.name}${status}${account.runsOutAtMs !== undefined ? ` · runs out ${when(account.runsOutAtMs, now)}` : ""}`,
    );
    for (const w of WINDOWS) {
      const win = account.windows[w];
      const chart = sparkline(input.samples, w, from, now, width);
      const cap = input.caps[w] < 100 ? ` cap ${input.caps[w]}%` : "";
      const pace = win?.pacePerHour === undefined ? "" : ` · ${win.pacePerHour.toFixed(1)}%/h`;
      const reset = win?.resetsAtMs ? ` · resets ${relativeTime(win.resetsAtMs, now)}` : "";
      out.push(
        `  ${LABEL[w].padEnd(6)} ${chart.spark.padEnd(width)} ${pct(win?.usedPercent)}${cap}${reset}${pace}`,
      );
      if (chart.marks) out.push(`         ${chart.marks}`);
    }
  });
  return out.join("\n");
}

/** `cao usage --json` (stable shape, docs/pool.md). */
export function usageJson(model: PoolModel, sinceMs: number): unknown {
  const from = model.nowMs - sinceMs;
  const { pool } = model;
  return {
    generatedAt: isoOrNull(model.nowMs),
    since: isoOrNull(from),
    pool: {
      headroomPercent: pool.headroomPercent ?? null,
      headroomPoints: pool.headroom,
      demandPerHour: {
        primary: pool.demandPerHour.primary ?? null,
        secondary: pool.demandPerHour.secondary ?? null,
      },
      runsOutAt: isoOrNull(pool.runsOutAtMs),
      nextReset: pool.nextReset
        ? { account: pool.nextReset.account, at: isoOrNull(pool.nextReset.atMs) }
        : null,
    },
    accounts: model.accounts.map((a, i) => ({
      name: a.name,
      usable: a.usable,
      caps: model.inputs[i]!.caps,
      runsOutAt: isoOrNull(a.runsOutAtMs),
      windows: Object.fromEntries(
        WINDOWS.map((w) => {
          const win = a.windows[w];
          return [
            w,
            win
              ? {
                  usedPercent: win.usedPercent,
                  resetsAt: isoOrNull(win.resetsAtMs),
                  pacePerHour: win.pacePerHour ?? null,
                  runsOutAt: isoOrNull(win.runsOutAtMs),
                }
              : null,
          ];
        }),
      ),
      samples: model.inputs[i]!.samples.filter((s) => s[0] >= from),
    })),
  };
}

/** `7d`, `12h`, `30m` → milliseconds; undefined when it is not one of those. */
export function parseSince(text: string): number | undefined {
  const match = /^(\d+)\s*(m|h|d|w)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[
    match[2] as "m" | "h" | "d" | "w"
  ];
  const ms = Number(match[1]) * unit;
  return ms > 0 && ms <= 28 * 86_400_000 ? ms : undefined;
}
