import { renderCompact } from "./compact.js";
import { renderFull } from "./full.js";
import type { StatusSnapshot } from "./model.js";
import { renderPretty } from "./pretty.js";

export interface RenderChoice {
  compact: boolean;
  full: boolean;
  pretty: boolean;
}

/** Picks the view: an explicit flag wins; otherwise the dashboard on a terminal, compact lines in a pipe. */
export function renderStatus(snapshot: StatusSnapshot, choice: RenderChoice): string {
  if (snapshot.accounts.length === 0 && !choice.pretty) return "no accounts yet; add one with `cao add NAME`";
  if (choice.full) return renderFull(snapshot);
  if (choice.pretty || (!choice.compact && process.stdout.isTTY)) {
    return renderPretty(snapshot, process.stdout.columns || 100);
  }
  return renderCompact(snapshot);
}
