import type { StatusSnapshot } from "./model.js";

export interface RenderChoice {
  compact: boolean;
  full: boolean;
  pretty: boolean;
}

/** Picks the view: an explicit flag wins; otherwise the dashboard on a terminal, compact lines in a pipe. */
export async function renderStatus(snapshot: StatusSnapshot, choice: RenderChoice): Promise<string> {
  if (snapshot.accounts.length === 0 && !choice.pretty) return "no accounts yet; add one with `cao add NAME`";
  if (choice.full) return (await import("./full.js")).renderFull(snapshot);
  if (choice.pretty || (!choice.compact && process.stdout.isTTY)) {
    return (await import("./pretty.js")).renderPretty(snapshot, process.stdout.columns || 100);
  }
  return (await import("./compact.js")).renderCompact(snapshot);
}
