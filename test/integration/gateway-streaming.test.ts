import assert from "node:assert/strict";
import { test } from "node:test";
import { gatewayWorld, send, userMessage } from "../helpers/gateway.js";

/**
 * Answers streamed through the gateway arrive intact, whatever their shape:
 * a burst of small HTTP chunks (joined in place over their framing by the
 * write path, coalesced-write.ts) and batches spread over time.
 */
const text = Array.from({ length: 2500 }, (_, i) => `${i}:${"z".repeat(700)}`).join("|");

test("a 2 MB burst of 1 KB chunks and a spread answer reach the client byte for byte", async () => {
  const w = await gatewayWorld([{ name: "one", accountId: "s-one", email: "one@example.com" }], {
    backend: {
      reply: (input) => ({
        kind: "text",
        text,
        deltaChars: 900,
        pace: input.userText === "burst" ? { kind: "burst" } : { kind: "spread", everyMs: 1 },
      }),
    },
  });
  for (const shape of ["burst", "spread", "burst"]) {
    const answer = await send(
      `${w.gateway.url}/responses`,
      w.token("one"),
      `session-${shape}`,
      JSON.stringify({ model: "gpt-5", stream: true, input: [userMessage(shape)] }),
    );
    const deltas = [...answer.text.matchAll(/"delta":"([^"]*)"/g)].map((m) => m[1]).join("");
    assert.equal(answer.status, 200);
    assert.equal(deltas.length, text.length, `${shape}: ${deltas.length} of ${text.length} chars`);
    assert.ok(deltas === text, `${shape}: the deltas differ from what the backend sent`);
    assert.match(answer.text, /"type":"response\.completed"/);
  }
});
