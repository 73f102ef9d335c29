import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import which from "which";
import { findRealCodex } from "../core/codex-binary.js";
import { DEFAULT_GATEWAY_CONFIG } from "../gateway/config.js";
import { type Gateway, startGateway } from "../gateway/server.js";
import { formatAccountLine, gatewayStatus } from "../gateway-process/status-report.js";
import { codexDemoClient, type DemoClient, scriptedDemoClient } from "./demo-clients.js";
import { startFakeBackend } from "./fake-backend/server.js";
import type { FakeBackend, FakeReply, FakeTurnInput, RecordedRequest } from "./fake-backend/types.js";
import { registerFakeAccounts, writeSandboxCodexConfig } from "./sandbox.js";
import { DEMO_ACCOUNTS, DEMO_COMMAND, DEMO_PROMPTS } from "./script.js";

/**
 * `cao demo`: one Codex session outliving two accounts' quotas, with no real
 * account and no network. A fake ChatGPT backend on loopback plays three
 * accounts; the gateway runs in this process on a temp data dir; a real
 * `codex exec` (or, without codex, a scripted client speaking the same HTTP)
 * makes two turns of one session. The first turn has a tool call, so it
 * needs two model requests:
 *   - its first request uses up `work`, which the backend reports (100% used),
 *     so the gateway moves the session before any error;
 *   - meanwhile `personal` was used up on "another device", which the gateway
 *     cannot know: the follow-up gets a 429 usage limit there, and the gateway
 *     replays it on `spare`. Codex sees neither.
 * The second turn (`codex exec resume --last`) stays on `spare` (sticky).
 */
export interface DemoOptions {
  /** Use the scripted client even when codex is installed. */
  scripted?: boolean;
  print(line: string): void;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const result = await runDemoOnce(options);
  if (!result.codexFailed) return result.code;
  // A codex that cannot run here (another version, a broken install) should not hide what the demo
  // is about: show it again with the scripted client, which speaks the same HTTP.
  options.print("");
  options.print(
    "codex could not complete the demo here; running it again with the built-in scripted client.",
  );
  options.print("");
  return (await runDemoOnce({ ...options, scripted: true })).code;
}

async function runDemoOnce(options: DemoOptions): Promise<{ code: number; codexFailed: boolean }> {
  const { print } = options;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-demo-"));
  const dir = path.join(root, "cao");
  const mainHome = path.join(root, "codex");
  // Everything cao resolves (account homes, the shared Codex home) stays in the sandbox.
  process.env.CAO_HOME = dir;
  process.env.CAO_MAIN_CODEX_HOME = mainHome;
  let backend: FakeBackend | undefined;
  let gateway: Gateway | undefined;
  const cleanup = async () => {
    await gateway?.close();
    await backend?.close();
    fs.rmSync(root, { recursive: true, force: true });
  };
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  try {
    backend = await startFakeBackend({
      accounts: DEMO_ACCOUNTS.map(({ accountId, email, usedPercent, quota }) => ({
        accountId,
        email,
        usedPercent,
        percentPerRequest: 0,
        resetsInSeconds: 2 * 3600,
        ...(quota !== undefined && { quota }),
      })),
      reply: (input) => {
        // personal runs out elsewhere while turn 1 runs: only a 429 can tell the gateway.
        if (input.accountId === "demo-work") backend?.setAccount("demo-personal", { quota: 0 });
        return demoReply(input);
      },
    });
    writeSandboxCodexConfig(backend, mainHome);
    registerFakeAccounts(backend, dir, DEMO_ACCOUNTS);
    const gatewayLog: string[] = [];
    gateway = await startGateway({
      config: { ...DEFAULT_GATEWAY_CONFIG, port: 0, baseUrl: backend.upstreamBaseUrl },
      dir,
      log: (line) => gatewayLog.push(line),
      publishState: true,
      refreshUrl: backend.refreshUrl,
    });
    // The gateway asks every account's usage at start; let that land first.
    await gateway.context.usage.checkAll();
    const start = gateway.context.router.preferred() ?? DEMO_ACCOUNTS[0]!.name;

    print("cao demo: one Codex session, three ChatGPT accounts, no real account needed.");
    print(
      `Simulated ChatGPT backend at ${backend.origin}, cao gateway at ${gateway.url} (loopback, temp dir).`,
    );
    print("");
    print("Accounts before:");
    for (const a of DEMO_ACCOUNTS) {
      const left = a.quota !== undefined ? ` (${a.quota} request left before its usage limit)` : "";
      print(`  ${a.name.padEnd(8)}  5h ${a.usedPercent}% used${left}`);
    }
    const codex = options.scripted ? undefined : findCodex();
    const client: DemoClient = codex
      ? codexDemoClient({ codex, dir, mainHome, account: start, url: gateway.url, backend, root })
      : scriptedDemoClient({ dir, account: start, url: gateway.url });
    print("");
    print(
      `Client: ${codex ? `the real codex CLI (${codex})` : `a built-in scripted client (${options.scripted ? "--scripted" : "codex not found"})`},`,
    );
    print(`started in ${start}'s Codex home and pointed at the gateway.`);

    const started = Date.now();
    const turns: RecordedRequest[][] = [];
    for (const index of [0, 1] as const) {
      const before = backend.requests.length;
      print("");
      print(`Turn ${index + 1} > ${DEMO_PROMPTS[index]}`);
      const outcome = await client.turn(index);
      print(`  ${outcome.ok ? "answer" : "FAILED"}: ${outcome.summary}`);
      turns.push(
        backend.requests.slice(before).filter((r) => r.method === "POST" && r.path.endsWith("/responses")),
      );
      if (!outcome.ok)
        return codex ? { code: 1, codexFailed: true } : { code: await finish(1), codexFailed: false };
    }
    return { code: await finish(0), codexFailed: false };

    async function finish(code: number): Promise<number> {
      print("");
      print("What the backend saw (model requests; personal was used up elsewhere during turn 1):");
      for (const [t, requests] of turns.entries()) {
        for (const [i, r] of requests.entries())
          print(`  turn ${t + 1}: ${describeRequest(r, requests[i - 1])}`);
      }
      print("");
      print("Gateway log:");
      // The simulated backend offers no WebSocket (as some edges do not): Codex's switch to HTTP is
      // routine, so it is said once below rather than shown as a failing line.
      const fellBack = gatewayLog.some((l) => l.includes("falls back to HTTP"));
      const shown = gatewayLog.filter(
        (l) => !l.startsWith("usage check") && !l.includes("falls back to HTTP"),
      );
      for (const line of shown) print(`  ${line}`);
      if (fellBack)
        print("  (this backend offers no WebSocket, so codex spoke HTTP: normal, nothing failed)");
      print("");
      print("cao status afterwards:");
      // Closing flushes the gateway's batched status writes to the store read here.
      await gateway!.close();
      const status = gatewayStatus(dir);
      const width = Math.max(...status.accounts.map((a) => a.name.length));
      for (const line of status.accounts) print(formatAccountLine(line, width));
      print(`  new codex sessions start on: ${gateway!.context.router.preferred() ?? "-"}`);
      print("");
      if (code === 0) {
        print(`What happened (${((Date.now() - started) / 1000).toFixed(1)} s, one session, two turns):`);
        for (const line of DEMO_STORY) print(`  ${line}`);
      } else print("The demo did not complete; the lines above show where it stopped.");
      print("");
      for (const line of nextSteps()) print(line);
      return code;
    }
  } finally {
    process.off("SIGINT", onSignal);
    await cleanup();
  }
}

function nameOf(accountId: string | undefined): string {
  return DEMO_ACCOUNTS.find((a) => a.accountId === accountId)?.name ?? accountId ?? "?";
}

function describeRequest(request: RecordedRequest, previous: RecordedRequest | undefined): string {
  const name = nameOf(request.accountId).padEnd(8);
  const kind = request.hasToolOutput ? "request (with the tool's output)" : "request";
  if (request.status === 429) return `${name} 429 usage_limit_reached  <- the gateway cools it down, replays`;
  const replayed = previous?.status === 429 ? "  <- same request on the next account" : "";
  const moved =
    !replayed && previous && previous.accountId !== request.accountId && previous.status === 200
      ? "  <- moved before the limit (backend reported 100% used)"
      : "";
  return `${name} ${request.status} ${kind}${replayed}${moved}`;
}

function demoReply(input: FakeTurnInput): FakeReply {
  if (input.userText.includes(DEMO_PROMPTS[1])) {
    return { kind: "text", text: "Yes: same session, still on the account it moved to." };
  }
  if (!input.hasToolOutput) return { kind: "shell", command: DEMO_COMMAND };
  const printed = input.toolOutput.trim().split("\n").at(-1) ?? "";
  return { kind: "text", text: `The command printed "${printed}".` };
}

/** What the lines above show, in words (the script in ./script.js makes it happen this way). */
const DEMO_STORY = [
  "- work ran out during turn 1; the backend's usage headers said so, and the gateway moved the",
  "  session to personal before any request failed.",
  "- personal had been used up elsewhere (no warning): its 429 never reached codex; the gateway",
  "  cooled personal down and replayed the same request on spare.",
  "- turn 2 stayed on spare. Codex saw no usage limit, no 429 and no auth error.",
];

/** The hint that works from here: `cao` when it is on PATH, otherwise how to get it there first. */
function nextSteps(): string[] {
  const steps = "`cao add NAME` for each account, `cao gateway start --detach`, `cao run --gateway`.";
  if (which.sync("cao", { nothrow: true })) return [`With your own accounts: ${steps}`];
  return [
    "cao is not on your PATH yet. From this checkout: `npm install -g .` (or `npm pack` and",
    `\`npm install -g ./cao-cli-*.tgz\`). Then, with your own accounts: ${steps}`,
  ];
}

/** $CAO_CODEX_BIN, else the pinned codex next to cao (a development checkout), else the one on PATH. */
function findCodex(): string | undefined {
  const local = fileURLToPath(new URL("../../node_modules/.bin/codex", import.meta.url));
  if (!process.env.CAO_CODEX_BIN && fs.existsSync(local)) return local;
  try {
    return findRealCodex();
  } catch {
    return undefined;
  }
}
