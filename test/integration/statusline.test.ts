import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { after, test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { authText } from "../helpers/auth-fixture.js";
import { caoBin, runCao } from "../helpers/cli.js";
import { scaled } from "../helpers/deadline.js";
import { tempWorld } from "../helpers/temp.js";

// `cao statusline` at the protocol level: the built CLI spawned as Codex spawns it (an MCP server on
// stdio, newline-delimited JSON-RPC), asked what Codex asks, answered from a data dir built here.

const HOUR = 3_600_000;
const THREAD = "01a23c0c-5a81-7ca1-aa15-96207ee23e42";

interface Provider {
  child: ChildProcessWithoutNullStreams;
  /** Sends a request and waits for the answer with the same id. */
  request(method: string, params?: unknown): Promise<Record<string, unknown>>;
  send(line: string): void;
  /** Lines received that answered no request of ours (there should be none). */
  stray: string[];
}

const running: ChildProcessWithoutNullStreams[] = [];
after(() => {
  for (const child of running) child.kill();
});

function startProvider(env: NodeJS.ProcessEnv): Provider {
  const child = spawn(process.execPath, [caoBin, "statusline"], { env, stdio: ["pipe", "pipe", "pipe"] });
  running.push(child);
  const waiting = new Map<unknown, (reply: Record<string, unknown>) => void>();
  const stray: string[] = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    const reply = JSON.parse(line) as Record<string, unknown>;
    const resolve = waiting.get(reply.id);
    if (resolve) {
      waiting.delete(reply.id);
      resolve(reply);
    } else stray.push(line);
  });
  let next = 0;
  const send = (line: string) => child.stdin.write(`${line}\n`);
  return {
    child,
    stray,
    send,
    request(method, params) {
      const id = next++;
      return new Promise((resolve, reject) => {
        const limit = scaled(10_000);
        const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${limit} ms`)), limit);
        waiting.set(id, (reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
        send(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params !== undefined && { params }) }));
      });
    },
  };
}

/** What Codex 0.171 sends: the resource URI and the displayed thread's snapshot (abridged). */
const readParams = (threadId: string) => ({
  uri: "ui://cao/footer",
  _meta: {
    "com.openai/codex-statusline-state": {
      account: { rate_limits: [] },
      app: { cli_version: "0.171.0", display_mode: "standard" },
      thread: { id: threadId, name: null, agent: { state: "ready" }, model: { display_name: "GPT-6.2-Sol" } },
    },
    progressToken: 1,
  },
});

/** The footer as it reads on screen: the UI tree's texts in order, one space apart (the row's gap). */
async function footer(provider: Provider, threadId = THREAD): Promise<string> {
  const reply = await provider.request("resources/read", readParams(threadId));
  assert.equal(reply.error, undefined, JSON.stringify(reply));
  const contents = (reply.result as { contents: Array<{ uri: string; mimeType: string; text: string }> })
    .contents;
  assert.equal(contents.length, 1, JSON.stringify(contents));
  assert.equal(contents[0]?.mimeType, "application/json");
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === "string") texts.push(node);
    else if (node && typeof node === "object")
      for (const child of (node as { children: unknown[] }).children) walk(child);
  };
  walk(JSON.parse(contents[0]?.text ?? "null"));
  return texts.join(" ");
}

/** A data dir with accounts a (default) and b, both logged in, with last seen usage and a gateway session on b. */
function stateDir() {
  const world = tempWorld();
  const dir = world.dataDir;
  const now = Date.now();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(dir, "registry.json"),
    JSON.stringify({ default_account: "a", accounts: ["a", "b"] }),
  );
  for (const name of ["a", "b"]) {
    fs.mkdirSync(path.join(dir, name), { mode: 0o700 });
    fs.writeFileSync(
      path.join(dir, name, "auth.json"),
      authText({ email: `${name}@example.com`, accountId: `acct-${name}`, refreshToken: `rt-${name}` }),
      { mode: 0o600 },
    );
  }
  const window = (usedPercent: number, resetsInMs: number, windowMinutes: number) => ({
    usedPercent,
    windowMinutes,
    resetsAtMs: now + resetsInMs,
  });
  const statuses = {
    a: {
      rateLimits: {
        observedAtMs: now,
        primary: window(20, 2 * HOUR + 10 * 60_000, 300),
        secondary: window(40, 5 * 24 * HOUR, 10080),
      },
    },
    b: {
      rateLimits: {
        observedAtMs: now,
        primary: window(42, 3 * HOUR, 300),
        secondary: window(10, 6 * 24 * HOUR, 10080),
      },
    },
  };
  fs.writeFileSync(path.join(dir, "account_status.json"), JSON.stringify({ statuses }));
  const turn = (account: string, atMs: number) => ({
    id: `turn-${atMs}`,
    account,
    transport: "websocket",
    firstAtMs: atMs,
    lastAtMs: atMs,
    requests: 1,
  });
  const session = {
    id: THREAD,
    source: "gateway",
    firstAtMs: now - 60_000,
    lastAtMs: now,
    turns: [turn("a", now - 60_000), turn("b", now)],
    moves: [{ atMs: now, from: "a", to: "b", reason: "usage limit", turn: null }],
  };
  fs.writeFileSync(path.join(dir, "sessions.json"), JSON.stringify({ version: 1, sessions: [session] }));
  const env: NodeJS.ProcessEnv = { ...world.env, CODEX_HOME: path.join(dir, "a") };
  return { dir, env };
}

test("the provider advertises one statusline tool, and the --config lines name that server and tool", async () => {
  const { env } = stateDir();
  const provider = startProvider(env);
  const init = await provider.request("initialize", { protocolVersion: "2025-06-18", capabilities: {} });
  assert.deepEqual((init.result as { capabilities: unknown }).capabilities, { tools: {}, resources: {} });
  provider.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  type Tool = { name: string; _meta: { "openai/ui": { entrypoints: unknown } } };
  const tools = ((await provider.request("tools/list")).result as { tools: Tool[] }).tools;
  assert.equal(tools.length, 1, JSON.stringify(tools));
  const entrypoints = tools[0]?._meta["openai/ui"].entrypoints;
  assert.deepEqual(entrypoints, [{ type: "statusline", resourceUri: "ui://cao/footer" }]);

  const printed = await runCao(["statusline", "--config"], { env });
  assert.equal(printed.code, 0, printed.stderr);
  // Plain objects (the parser's have no prototype), so deepEqual compares values only.
  const config = JSON.parse(JSON.stringify(parseToml(printed.stdout))) as {
    features: unknown;
    mcp_servers: { cao: { args: unknown; env_vars: unknown } };
    tui: { status_line_provider: unknown };
  };
  assert.deepEqual(config.features, { tui_extensions_statusline: true });
  assert.deepEqual(config.mcp_servers.cao.args, ["statusline"]);
  assert.deepEqual(config.mcp_servers.cao.env_vars, ["CAO_HOME", "CODEX_HOME"]);
  assert.deepEqual(config.tui.status_line_provider, { server: "cao", tool: tools[0]?.name });
  assert.deepEqual(provider.stray, []);
});

test("a read shows the account that served the thread's last turn, its 5-hour and weekly use with resets, and the pool", async () => {
  const { env } = stateDir();
  const provider = startProvider(env);
  // a: 80 + 60 points left, b: 58 + 90; the tighter window (5h: 138 of 200) is the pool's headroom.
  assert.equal(
    await footer(provider),
    "cao b · 5h 42% (resets in 3h) · weekly 10% (resets in 6d) · pool 69% left, 2/2 usable",
  );
});

test("a thread cao has no record of (or whose account was removed since) shows the account whose home Codex runs in; outside cao's homes only the pool", async () => {
  const { dir, env } = stateDir();
  const inHome = startProvider(env);
  assert.equal(
    await footer(inHome, "another-thread"),
    "cao a · 5h 20% (resets in 2h 10m) · weekly 40% (resets in 5d) · pool 69% left, 2/2 usable",
  );
  const outside = startProvider({ ...env, CODEX_HOME: path.join(String(env.HOME), ".codex") });
  assert.equal(await footer(outside, "another-thread"), "cao · pool 69% left, 2/2 usable");
  fs.writeFileSync(
    path.join(dir, "registry.json"),
    JSON.stringify({ default_account: "a", accounts: ["a"] }),
  );
  assert.match(await footer(inHome), /^cao a · 5h 20% .* · pool 60% left, 1\/1 usable$/);
});

test("corrupt or missing state files: every read still answers, with a one-line reason, and recovers once the file is fixed", async () => {
  const { dir, env } = stateDir();
  const provider = startProvider(env);
  const registry = path.join(dir, "registry.json");
  const good = fs.readFileSync(registry, "utf8");
  fs.writeFileSync(registry, "{not json");
  assert.match(await footer(provider), /^cao · registry\.json is not valid JSON \(.*/);
  fs.writeFileSync(path.join(dir, "sessions.json"), "\0\0garbage");
  fs.writeFileSync(path.join(dir, "account_status.json"), "[[[");
  fs.writeFileSync(registry, good);
  // No record of the thread now and no usage seen: the home account, unknown windows, the pool at full room.
  assert.equal(await footer(provider), "cao a · 5h ? · weekly ? · pool 100% left, 2/2 usable");
  for (const file of fs.readdirSync(dir)) fs.rmSync(path.join(dir, file), { recursive: true, force: true });
  assert.equal(await footer(provider), "cao · pool: no usable account");
  assert.equal(provider.child.exitCode, null, "the provider is still running");
});

test("protocol errors get JSON-RPC errors, notifications no answer, and the provider keeps serving until stdin closes (exit 0)", async () => {
  const { env } = stateDir();
  const provider = startProvider(env);
  const unknown = await provider.request("tools/frobnicate");
  assert.equal((unknown.error as { code: number }).code, -32601, JSON.stringify(unknown));
  const wrongUri = await provider.request("resources/read", { ...readParams(THREAD), uri: "ui://other" });
  assert.equal((wrongUri.error as { code: number }).code, -32602, JSON.stringify(wrongUri));
  provider.send("this is not json");
  provider.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: {} }));
  const ping = await provider.request("ping");
  assert.deepEqual(ping.result, {});
  assert.deepEqual(
    provider.stray.map((line) => JSON.parse(line).error?.code),
    [-32700],
    `one answer for the bad line, none for the notification: ${provider.stray.join("\n")}`,
  );
  const called = await provider.request("tools/call", { name: "statusline", arguments: {} });
  const text = (called.result as { content: Array<{ text: string }> }).content[0]?.text;
  assert.match(text ?? "", /^cao a · 5h 20%/, JSON.stringify(called));
  const exited = new Promise<number | null>((resolve) => provider.child.on("exit", resolve));
  provider.child.stdin.end();
  assert.equal(await exited, 0);
});
