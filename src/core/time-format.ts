/** Relative and absolute times for the human renderers ("in 2h", "5m ago"). */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  if (abs < 60_000) return `${Math.max(0, Math.round(abs / 1000))}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 && hours < 10 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  return `${Math.round(hours / 24)}d`;
}

export function relativeTime(atMs: number | null | undefined, nowMs: number): string {
  if (!atMs) return "none";
  const delta = atMs - nowMs;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** Local time without seconds, plus the relative time: `2026-11-21 18:40 (in 2h)`. */
export function timeWithRelative(atMs: number | null | undefined, nowMs: number): string {
  if (!atMs) return "none";
  const d = new Date(atMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${local} (${relativeTime(atMs, nowMs)})`;
}

export const isoOrNull = (ms: number | null | undefined): string | null =>
  ms ? new Date(ms).toISOString() : null;
