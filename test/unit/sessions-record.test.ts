import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applySessionEvents,
  MAX_SESSIONS,
  MAX_TURNS,
  type SessionEvent,
} from "../../src/core/session-store.js";
import { turnIdOfFrame, turnIdOfHeader } from "../../src/gateway/turn-id.js";

test("turn ids as codex 0.171.0 sends them: the header's JSON, the frame's client_metadata (not the input's old ids)", () => {
  const turn = "01a23ab1-d71a-7602-b667-16fd3d2fd14b";
  const metadata = JSON.stringify({ session_id: "s", turn_id: turn, request_kind: "turn" });
  assert.equal(turnIdOfHeader(metadata), turn);
  assert.equal(turnIdOfHeader(JSON.stringify({ turn_id: "", request_kind: "prewarm" })), null);
  assert.equal(turnIdOfHeader(undefined), null);
  const frame = (clientMetadata: Record<string, unknown>) =>
    Buffer.from(
      JSON.stringify({
        type: "response.create",
        input: [{ type: "message", internal_chat_message_metadata_passthrough: { turn_id: "old-turn" } }],
        client_metadata: clientMetadata,
      }),
    );
  assert.equal(turnIdOfFrame(frame({ "x-codex-turn-metadata": metadata, turn_id: turn })), turn);
  assert.equal(
    turnIdOfFrame(frame({ "x-codex-turn-metadata": metadata })),
    turn,
    "from the escaped metadata",
  );
  assert.equal(turnIdOfFrame(frame({ turn_id: "" })), null, "a prewarm");
  assert.equal(turnIdOfFrame(Buffer.from('{"type":"response.create","input":[]}')), null);
});

test("events: a turn on one account is one entry, a prewarm joins its turn, a move splits it; bounded", () => {
  const serve = (atMs: number, account: string, turn: string | null, session = "s"): SessionEvent => ({
    kind: "serve",
    session,
    source: "gateway",
    atMs,
    account,
    turn,
    transport: "websocket",
  });
  const [s] = applySessionEvents(
    [],
    [
      serve(1, "a", null),
      serve(2, "a", "t1"),
      serve(3, "a", "t1"),
      { kind: "move", session: "s", source: "gateway", atMs: 4, from: "a", to: "b", reason: "usage limit" },
      serve(4, "b", "t1"),
      serve(5, "b", "t2"),
    ],
  );
  assert.deepEqual(
    s!.turns.map((t) => [t.id, t.account, t.requests]),
    [
      ["t1", "a", 3],
      ["t1", "b", 1],
      ["t2", "b", 1],
    ],
  );
  assert.deepEqual(s!.moves, [{ atMs: 4, from: "a", to: "b", reason: "usage limit", turn: "t1" }]);

  const many = Array.from({ length: MAX_SESSIONS + 10 }, (_, i) => serve(i, "a", "t", `s${i}`));
  const bounded = applySessionEvents([], many);
  assert.equal(bounded.length, MAX_SESSIONS);
  assert.equal(bounded.at(-1)?.id, `s${MAX_SESSIONS + 9}`, "the most recent kept");
  const long = applySessionEvents(
    [],
    Array.from({ length: MAX_TURNS + 5 }, (_, i) => serve(i, i % 2 ? "a" : "b", `t${i}`)),
  );
  assert.equal(long[0]!.turns.length, MAX_TURNS);
  assert.equal(long[0]!.turns.at(-1)?.id, `t${MAX_TURNS + 4}`);
});
