import type { FakeAccount } from "./accounts.js";
import { type ResponseEvent, replyEvents } from "./responses-events.js";
import type { BackendState } from "./state.js";
import type { ParsedTurn } from "./turn-input.js";
import type { FakePace } from "./types.js";

/** Serves one admitted model request: counts it against the quota; its events and how to pace them. */
export function serveTurn(
  state: BackendState,
  account: FakeAccount,
  accountId: string,
  turn: ParsedTurn,
  sessionId: string | undefined,
): { events: Generator<ResponseEvent>; pace: FakePace | undefined } {
  account.served++;
  const reply = state.reply({
    accountId,
    userText: turn.userText,
    hasToolOutput: turn.hasToolOutput,
    toolOutput: turn.toolOutput,
    sessionId,
  });
  return {
    events: replyEvents(reply, turn.toolNames, [account.rateLimitsEvent()]),
    pace: reply.kind === "text" ? reply.pace : undefined,
  };
}

/** Waits `ms`, or less if `signal` aborts first (the client left, the server is closing). */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
