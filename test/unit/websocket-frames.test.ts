import assert from "node:assert/strict";
import { test } from "node:test";
import { usageLimitBody } from "../../src/gateway/signals.js";
import {
  createdResponseId,
  peekType,
  previousResponseNotFoundFrame,
  readResponseCreate,
  usageLimitFrame,
  usageLimitOfEvent,
  withPreviousResponseId,
} from "../../src/gateway/websocket-frames.js";

const frame = (value: unknown) => Buffer.from(JSON.stringify(value));

test("event types are peeked from the first bytes, or parsed when type is not the first key", () => {
  assert.equal(
    peekType(frame({ type: "response.output_text.delta", delta: "x".repeat(10_000) })),
    "response.output_text.delta",
  );
  assert.equal(peekType(Buffer.from(' { "type" : "error", "status": 429 }')), "error");
  assert.equal(peekType(frame({ status: 429, type: "error" })), "error");
  assert.equal(peekType(Buffer.from("not json")), undefined);
  assert.equal(peekType(frame([1, 2])), undefined);
});

test("response.create: what it depends on, flat or nested, and re-chaining it", () => {
  assert.deepEqual(readResponseCreate(frame({ type: "response.create", input: [] })), {
    previousResponseId: undefined,
    generate: true,
  });
  assert.deepEqual(
    readResponseCreate(frame({ type: "response.create", generate: false, previous_response_id: "" })),
    {
      previousResponseId: undefined,
      generate: false,
    },
  );
  assert.deepEqual(
    readResponseCreate(frame({ type: "response.create", response: { previous_response_id: "r1" } })),
    {
      previousResponseId: "r1",
      generate: true,
    },
  );
  assert.equal(readResponseCreate(frame({ type: "response.cancel" })), undefined);
  const flat = JSON.parse(
    withPreviousResponseId(
      frame({ type: "response.create", previous_response_id: "old", input: [1] }),
      "new",
    ),
  );
  assert.deepEqual(flat, { type: "response.create", previous_response_id: "new", input: [1] });
  const nested = JSON.parse(
    withPreviousResponseId(
      frame({ type: "response.create", response: { previous_response_id: "old" } }),
      "new",
    ),
  );
  assert.deepEqual(nested, { type: "response.create", response: { previous_response_id: "new" } });
  assert.equal(createdResponseId(frame({ type: "response.created", response: { id: "resp_1" } })), "resp_1");
});

test("usage limits are told apart from other errors; the frames Codex gets are its own shapes", () => {
  const limit = usageLimitOfEvent({
    type: "error",
    status: 429,
    error: { type: "usage_limit_reached", resets_at: 2_000_000_000, plan_type: "plus" },
  });
  assert.deepEqual(limit, { type: "usage_limit_reached", resetsAtMs: 2_000_000_000_000, planType: "plus" });
  assert.equal(
    usageLimitOfEvent({ type: "error", status: 429, error: { type: "rate_limit_exceeded" } }),
    undefined,
  );
  assert.equal(usageLimitOfEvent({ type: "response.completed" }), undefined);
  assert.deepEqual(JSON.parse(previousResponseNotFoundFrame("resp_9")), {
    type: "error",
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "previous_response_not_found",
      message: "Previous response with id 'resp_9' not found.",
      param: "previous_response_id",
    },
  });
  const exhausted = JSON.parse(usageLimitFrame(usageLimitBody(1_900_000_000_000, "pro")));
  assert.equal(exhausted.type, "error");
  assert.equal(exhausted.status, 429);
  assert.equal(exhausted.error.type, "usage_limit_reached");
  assert.equal(exhausted.error.resets_at, 1_900_000_000);
});
