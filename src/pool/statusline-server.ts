import readline from "node:readline";
import type { Readable, Writable } from "node:stream";
import { caoVersion } from "../core/version.js";
import type { FooterQuery, FooterReader } from "./statusline-state.js";
import { footerText, footerTree } from "./statusline-view.js";

/**
 * `cao statusline`: a status line provider for Codex 0.171+ — an MCP server
 * speaking newline-delimited JSON-RPC on stdin/stdout, as the guide inside the
 * codex binary (skill `create-statusline`) describes: one tool whose
 * `_meta["openai/ui"].entrypoints` names a statusline resource; Codex reads
 * that resource about once a second with the thread's snapshot in
 * `params._meta["com.openai/codex-statusline-state"]` and renders the UI tree
 * returned as JSON text. An error or a read over one second stops Codex's
 * polling, so every read answers, however broken cao's state files are.
 * What was verified with the real binaries: docs/codex-notes.md, "The footer status line provider".
 */
export const STATUSLINE = {
  /** The `[mcp_servers.NAME]` key the config snippet uses; Codex saves the choice as server + tool. */
  server: "cao",
  tool: "statusline",
  uri: "ui://cao/footer",
} as const;

const STATE_KEY = "com.openai/codex-statusline-state";

const TOOL = {
  name: STATUSLINE.tool,
  title: "cao: account and pool",
  description:
    "The ChatGPT account serving this Codex thread through cao, its 5-hour and weekly use, and the pool's headroom.",
  inputSchema: { type: "object", properties: {} },
  _meta: { "openai/ui": { entrypoints: [{ type: "statusline", resourceUri: STATUSLINE.uri }] } },
};

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, unknown>;

async function respond(method: string, params: Params, reader: FooterReader, env: Env): Promise<unknown> {
  switch (method) {
    case "initialize":
      return {
        protocolVersion: typeof params.protocolVersion === "string" ? params.protocolVersion : "2025-06-18",
        capabilities: { tools: {}, resources: {} },
        serverInfo: { name: "cao", version: caoVersion() },
      };
    case "ping":
      return {};
    case "tools/list":
      return { tools: [TOOL] };
    case "tools/call":
      if (params.name !== TOOL.name) throw new RpcError(-32602, `unknown tool ${String(params.name)}`);
      return { content: [{ type: "text", text: footerText(await reader.read(queryOf(params, env))) }] };
    case "resources/list":
      return { resources: [{ name: "footer", uri: STATUSLINE.uri, mimeType: "application/json" }] };
    case "resources/templates/list":
      return { resourceTemplates: [] };
    case "resources/read": {
      if (params.uri !== STATUSLINE.uri) throw new RpcError(-32602, `unknown resource ${String(params.uri)}`);
      const tree = footerTree(await reader.read(queryOf(params, env)));
      return {
        contents: [{ uri: STATUSLINE.uri, mimeType: "application/json", text: JSON.stringify(tree) }],
      };
    }
    default:
      throw new RpcError(-32601, `method not found: ${method}`);
  }
}

interface Env {
  codexHome: string | undefined;
}

function queryOf(params: Params, env: Env): FooterQuery {
  const meta = params._meta as Params | undefined;
  const thread = (meta?.[STATE_KEY] as Params | undefined)?.thread as Params | undefined;
  return { threadId: typeof thread?.id === "string" ? thread.id : undefined, codexHome: env.codexHome };
}

/** The answer to one line of input, or undefined for a notification (nothing is sent back). */
export async function answer(line: string, reader: FooterReader, env: Env): Promise<string | undefined> {
  let id: unknown = null;
  try {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      throw new RpcError(-32700, "parse error");
    }
    const { method, params } = (request ?? {}) as { method?: unknown; params?: unknown };
    if (typeof request !== "object" || request === null || typeof method !== "string")
      throw new RpcError(-32600, "invalid request");
    if (!("id" in request)) return undefined;
    id = (request as { id: unknown }).id;
    const args = params && typeof params === "object" ? (params as Params) : {};
    return JSON.stringify({ jsonrpc: "2.0", id, result: await respond(method, args, reader, env) });
  } catch (error) {
    const code = error instanceof RpcError ? error.code : -32603;
    const message = error instanceof Error ? error.message : String(error);
    return JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } });
  }
}

/** Serves requests in order until stdin closes (Codex ends the provider with its thread). */
export async function serveStatusline(
  input: Readable,
  output: Writable,
  reader: FooterReader,
  env: Env,
): Promise<void> {
  const lines = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const reply = await answer(line, reader, env);
    if (reply !== undefined) output.write(`${reply}\n`);
  }
}
