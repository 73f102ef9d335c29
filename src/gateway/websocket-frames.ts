import { parseUsageLimit, type UsageLimit } from "./signals.js";

/**
 * Reading Responses WebSocket frames without slowing the relay: most frames
 * are output deltas the gateway passes on untouched, so only the event type is
 * peeked from the frame's first bytes, and the few frames that matter (errors,
 * rate limits, the end of a response) are parsed in full.
 */
const TYPE_PATTERN = /^\s*\{\s*"type"\s*:\s*"([^"]{1,64})"/;
const PEEK_BYTES = 96;

/** How nearly every frame begins (what Codex and the upstream send): read without a regex or a copy of the head. */
const PLAIN_START = Buffer.from('{"type":"');
const QUOTE = 0x22;

export function peekType(frame: Buffer): string | undefined {
  if (
    frame.length > PLAIN_START.length &&
    frame.compare(PLAIN_START, 0, PLAIN_START.length, 0, PLAIN_START.length) === 0
  ) {
    const from = PLAIN_START.length;
    const end = frame.indexOf(QUOTE, from);
    // The same reading as TYPE_PATTERN's: up to the next quote, 1 to 64 bytes.
    if (end > from && end - from <= 64) return frame.toString("latin1", from, end);
  }
  const head = frame.toString("latin1", 0, Math.min(PEEK_BYTES, frame.length));
  const match = TYPE_PATTERN.exec(head);
  if (match) return match[1];
  // "type" is not the first key: parse the whole frame (rare).
  const parsed = parseFrame(frame);
  return typeof parsed?.type === "string" ? parsed.type : undefined;
}

export function parseFrame(frame: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(frame.toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Events after which the response a `response.create` asked for is over. */
export const RESPONSE_END_TYPES = new Set([
  "response.completed",
  "response.done",
  "response.failed",
  "response.incomplete",
]);

/** An error event meaning "this account is out" (`usage_limit_reached`, `usage_not_included`). */
export function usageLimitOfEvent(event: Record<string, unknown>): UsageLimit | undefined {
  if (event.type !== "error" || !event.error || typeof event.error !== "object") return undefined;
  return parseUsageLimit(JSON.stringify({ error: event.error }));
}

/** The error event Codex answers by opening a new connection and resending the full input (docs/codex-notes.md, "The Responses WebSocket"). */
export function previousResponseNotFoundFrame(previousResponseId: string): string {
  return JSON.stringify({
    type: "error",
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "previous_response_not_found",
      message: `Previous response with id '${previousResponseId}' not found.`,
      param: "previous_response_id",
    },
  });
}

/** Codex's own usage-limit error as a WebSocket event, for when every account is out. */
export function usageLimitFrame(body: string): string {
  const parsed = JSON.parse(body) as { error: unknown };
  return JSON.stringify({ type: "error", status: 429, error: parsed.error });
}

export interface ResponseCreate {
  previousResponseId: string | undefined;
  /** False for a prewarm: Codex sends its context ahead of the turn and chains the turn on it. */
  generate: boolean;
}

/** A client frame that asks for a response, with what it depends on; undefined for anything else. */
export function readResponseCreate(frame: Buffer): ResponseCreate | undefined {
  if (peekType(frame) !== "response.create") return undefined;
  const parsed = parseFrame(frame);
  // Flat (what Codex sends) or nested under `response` (the older wire shape).
  const nested =
    parsed?.response && typeof parsed.response === "object"
      ? (parsed.response as Record<string, unknown>)
      : {};
  const previous = parsed?.previous_response_id ?? nested.previous_response_id;
  return {
    previousResponseId: typeof previous === "string" && previous !== "" ? previous : undefined,
    generate: (parsed?.generate ?? nested.generate) !== false,
  };
}

/** The id in a `response.created` event. */
export function createdResponseId(frame: Buffer): string | undefined {
  const response = parseFrame(frame)?.response;
  const id = response && typeof response === "object" ? (response as Record<string, unknown>).id : undefined;
  return typeof id === "string" ? id : undefined;
}

/** A `response.create` frame chained on another response instead. */
export function withPreviousResponseId(frame: Buffer, previousResponseId: string): string {
  const parsed = parseFrame(frame) ?? {};
  if (parsed.previous_response_id === undefined && parsed.response && typeof parsed.response === "object") {
    (parsed.response as Record<string, unknown>).previous_response_id = previousResponseId;
  } else {
    parsed.previous_response_id = previousResponseId;
  }
  return JSON.stringify(parsed);
}
