import crypto from "node:crypto";
import type { FakeReply } from "./types.js";

export type ResponseEvent = Record<string, unknown>;

/** Default size of one `response.output_text.delta` when a reply does not say. */
const DEFAULT_DELTA_CHARS = 64;

/**
 * The Responses events for one model reply, in the order Codex needs them:
 * created, the output item (added, deltas, done), completed with usage. Lazy,
 * so a large streamed reply is never materialised as a list of events.
 */
export function* replyEvents(
  reply: FakeReply,
  toolNames: string[],
  extraFirst: ResponseEvent[] = [],
): Generator<ResponseEvent> {
  const responseId = newId("resp");
  yield { type: "response.created", response: { id: responseId, object: "response", status: "in_progress" } };
  yield* extraFirst;
  if (reply.kind === "shell") {
    const item = shellCallItem(reply.command, toolNames);
    yield { type: "response.output_item.added", output_index: 0, item };
    yield { type: "response.output_item.done", output_index: 0, item };
  } else {
    const itemId = newId("msg");
    yield {
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "message", id: itemId, role: "assistant", status: "in_progress", content: [] },
    };
    const size = Math.max(1, reply.deltaChars ?? DEFAULT_DELTA_CHARS);
    for (let at = 0; at < reply.text.length; at += size) {
      const delta = reply.text.slice(at, at + size);
      yield { type: "response.output_text.delta", item_id: itemId, output_index: 0, content_index: 0, delta };
    }
    yield {
      type: "response.output_item.done",
      output_index: 0,
      item: {
        type: "message",
        id: itemId,
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: reply.text, annotations: [] }],
      },
    };
  }
  yield completedEvent(responseId, reply.kind === "text" ? reply.text.length : 10);
}

/** The answer to a WebSocket prewarm (`generate: false`): a response with no output. */
export function* emptyResponseEvents(): Generator<ResponseEvent> {
  const responseId = newId("resp");
  yield { type: "response.created", response: { id: responseId, object: "response", status: "in_progress" } };
  yield completedEvent(responseId, 0);
}

export function responseIdOf(event: ResponseEvent): string | undefined {
  const response = event.response as { id?: unknown } | undefined;
  return typeof response?.id === "string" ? response.id : undefined;
}

function completedEvent(responseId: string, outputChars: number): ResponseEvent {
  const outputTokens = Math.ceil(outputChars / 4);
  return {
    type: "response.completed",
    response: {
      id: responseId,
      object: "response",
      status: "completed",
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 100 + outputTokens,
      },
    },
  };
}

/**
 * A function call Codex executes as a shell command. Codex offers one of
 * several shell tools depending on the model; the call must use the one it
 * offered, with that tool's argument shape.
 */
function shellCallItem(command: string[], toolNames: string[]): ResponseEvent {
  const line = command.map(shellQuote).join(" ");
  if (toolNames.includes("exec")) {
    // "Code mode": the only direct tool is `exec`, a freeform tool running JavaScript that calls nested tools.
    return {
      type: "custom_tool_call",
      id: newId("ctc"),
      call_id: newId("call"),
      name: "exec",
      input: `const result = await tools.exec_command({ cmd: ${JSON.stringify(line)} });\ntext(result.output);\n`,
      status: "completed",
    };
  }
  let name = "shell";
  let args: Record<string, unknown> = { command };
  if (!toolNames.includes("shell")) {
    if (toolNames.includes("shell_command")) {
      name = "shell_command";
      args = { command: line };
    } else if (toolNames.includes("exec_command")) {
      name = "exec_command";
      args = { cmd: line };
    }
  }
  return {
    type: "function_call",
    id: newId("fc"),
    call_id: newId("call"),
    name,
    arguments: JSON.stringify(args),
    status: "completed",
  };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function newId(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(12).toString("hex")}`;
}
