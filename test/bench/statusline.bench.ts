// `cao statusline`'s cost per footer read (Codex asks about once a second): from spawn to the first
// answer, a read with nothing changed (stat calls only), a read after a state file changed (registry,
// status and logins again, sessions.json not), and the first read of a sessions.json at its bounds
// (MAX_SESSIONS x MAX_TURNS). 10 accounts.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { MAX_SESSIONS, MAX_TURNS } from "../../src/core/session-store.js";
import { authText } from "../helpers/auth-fixture.js";
import { caoBin } from "../helpers/cli.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-statusline-"));
try {
  const dir = path.join(root, "data");
  const names = Array.from({ length: 10 }, (_, i) => `acct${i}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, "registry.json"),
    JSON.stringify({ default_account: names[0], accounts: names }),
  );
  const now = Date.now();
  const statuses: Record<string, unknown> = {};
  for (const name of names) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(
      path.join(dir, name, "auth.json"),
      authText({ email: `${name}@example.com`, accountId: name, refreshToken: `rt-${name}` }),
    );
    const window = (usedPercent: number, inMs: number) => ({
      usedPercent,
      windowMinutes: 300,
      resetsAtMs: now + inMs,
    });
    statuses[name] = {
      rateLimits: { observedAtMs: now, primary: window(40, 3_600_000), secondary: window(20, 86_400_000) },
    };
  }
  const statusFile = path.join(dir, "account_status.json");
  fs.writeFileSync(statusFile, JSON.stringify({ statuses }));
  const sessions = Array.from({ length: MAX_SESSIONS }, (_, s) => ({
    id: `thread-${s}`,
    source: "gateway",
    firstAtMs: now,
    lastAtMs: now + s,
    moves: [],
    turns: Array.from({ length: MAX_TURNS }, (_, t) => ({
      id: `turn-${s}-${t}`,
      account: names[t % names.length],
      transport: "websocket",
      firstAtMs: now,
      lastAtMs: now,
      requests: 1,
    })),
  }));
  const sessionsFile = path.join(dir, "sessions.json");
  fs.writeFileSync(sessionsFile, JSON.stringify({ version: 1, sessions }));

  const started = performance.now();
  const child = spawn(process.execPath, [caoBin, "statusline"], {
    env: { ...process.env, CAO_HOME: dir, CODEX_HOME: path.join(dir, names[0] ?? "") },
  });
  const waiting = new Map<number, () => void>();
  readline
    .createInterface({ input: child.stdout })
    .on("line", (line) => waiting.get(JSON.parse(line).id)?.());
  let next = 0;
  const request = (method: string, params: unknown) =>
    new Promise<void>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  const state = { "com.openai/codex-statusline-state": { thread: { id: `thread-${MAX_SESSIONS - 1}` } } };
  const read = () => request("resources/read", { uri: "ui://cao/footer", _meta: state });
  const timed = async (runs: number, before: (i: number) => void = () => {}) => {
    let total = 0;
    for (let i = 0; i < runs; i++) {
      before(i);
      const t = performance.now();
      await read();
      total += performance.now() - t;
    }
    return total / runs;
  };
  await request("initialize", {});
  const toInitialize = performance.now() - started;
  const first = await timed(1);
  const unchanged = await timed(200);
  const changed = await timed(50, (i) =>
    fs.utimesSync(statusFile, new Date(), new Date(now + (i + 1) * 1000)),
  );
  const rssMb = (Number(fs.readFileSync(`/proc/${child.pid}/statm`, "utf8").split(" ")[1]) * 4096) / 1e6;
  child.stdin.end();
  console.log(
    `cao statusline, 10 accounts, sessions.json ${(fs.statSync(sessionsFile).size / 1e6).toFixed(1)} MB`,
  );
  console.log(`  spawn to initialize answered   ${toInitialize.toFixed(0)} ms`);
  console.log(`  first read (parses everything)  ${first.toFixed(1)} ms`);
  console.log(`  read, nothing changed           ${unchanged.toFixed(2)} ms (mean of 200)`);
  console.log(`  read after a status change      ${changed.toFixed(2)} ms (mean of 50)`);
  console.log(`  resident memory after           ${rssMb.toFixed(0)} MB`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
