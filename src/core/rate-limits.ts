/** What Codex's usage headers and events say about one account's windows (its own file: the store and the history both use it). */
export interface RateLimitWindow {
  usedPercent: number;
  windowMinutes?: number;
  resetsAtMs?: number;
}

export interface RateLimits {
  /** ~5-hour window. */
  primary?: RateLimitWindow;
  /** ~weekly window. */
  secondary?: RateLimitWindow;
  observedAtMs: number;
}
