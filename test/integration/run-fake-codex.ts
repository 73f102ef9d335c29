import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after } from "node:test";
import type { StatusMap } from "../../src/core/account-status.js";
import { createGatewayKey, identityProof } from "../../src/core/gateway-identity.js";
import { encodeUnsignedJwt } from "../../src/core/jwt.js";
import { type RunOptions, type RunResult, runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * A stand-in for codex, for testing cao run's loop in isolation: it logs how it
 * was started (argv, which fds are terminals, env) and then does what the
 * test's script says for that account and call: write a rollout file the way
 * codex-cli 0.169.0 does (records copied from real ones), print lines, exit.
 */
export type FakeStep = {
  /** Rollout written under $CODEX_HOME/sessions/<local date>/: the last turn's outcome. */
  rollout?: "ok" | "quota" | "plan";
  /** `resets_at` of the exhausted window, seconds from now (quota rollouts). */
  resetsInS?: number;
  /** Creator account id recorded in the rollout (default: this account's). */
  creator?: string;
  /** Write the rollout into this day directory instead of today's (a resumed older session). */
  dayDir?: string;
  /** Also write a second, concurrent session's rollout. */
  alsoRollout?: { rollout: "ok" | "quota"; creator: string };
  /** Print the `session id:` header line on stderr (as codex exec does). */
  header?: boolean;
  stderr?: string[];
  stdout?: string[];
  /** Wait until this file exists before exiting (to prove output is not held back). */
  waitFor?: string;
  exit?: number;
};

const FAKE_CODEX = `#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const home = process.env.CODEX_HOME;
const account = path.basename(home);
const script = JSON.parse(fs.readFileSync(process.env.FAKE_CODEX_SCRIPT, "utf8"));
const counter = process.env.FAKE_CODEX_SCRIPT + "." + account + ".count";
const n = fs.existsSync(counter) ? Number(fs.readFileSync(counter, "utf8")) : 0;
fs.writeFileSync(counter, String(n + 1));
fs.appendFileSync(process.env.FAKE_CODEX_LOG, JSON.stringify({
  account, argv: process.argv.slice(2),
  tty: [0, 1, 2].map((fd) => require("node:tty").isatty(fd)),
  env: { CODEX_HOME: home, CODEX_SQLITE_HOME: process.env.CODEX_SQLITE_HOME, CODEX_API_KEY: process.env.CODEX_API_KEY ?? null,
    ...(process.env.CODEX_CA_CERTIFICATE !== undefined && { CODEX_CA_CERTIFICATE: process.env.CODEX_CA_CERTIFICATE }) },
}) + "\\n");
const steps = script[account] ?? [];
const step = steps[Math.min(n, steps.length - 1)] ?? { rollout: "ok" };
const auth = JSON.parse(fs.readFileSync(path.join(home, "auth.json"), "utf8"));
const ts = (ms) => new Date(ms).toISOString();
const limitMessage = "You\\u2019ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at 7:28 PM.";
function writeRollout(kind, creator, resetsInS, dayDir) {
  const id = crypto.randomUUID();
  const d = new Date();
  const pad = (x) => String(x).padStart(2, "0");
  const dir = dayDir
    ? path.join(home, "sessions", dayDir)
    : path.join(home, "sessions", String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
  fs.mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const resetsAt = Math.floor(now / 1000) + (resetsInS ?? 3600);
  const lines = [
    { timestamp: ts(now), type: "session_meta", payload: { account_scoped: true, creator_account_id: creator, session_id: id, id, timestamp: ts(now), cwd: process.cwd(), originator: "codex_exec", cli_version: "0.169.0", source: "exec", model_provider: "openai" } },
    { timestamp: ts(now + 1), type: "event_msg", payload: { type: "task_started", turn_id: "t1" } },
  ];
  if (kind === "ok") {
    lines.push({ timestamp: ts(now + 2), type: "event_msg", payload: { type: "token_count", info: null, rate_limits: { limit_id: "codex", primary: { used_percent: 42.0, window_minutes: 300, resets_at: resetsAt }, secondary: null } } });
    lines.push({ timestamp: ts(now + 3), type: "event_msg", payload: { type: "task_complete", turn_id: "t1", last_agent_message: "Quota exceeded? " + limitMessage } });
  } else if (kind === "quota") {
    lines.push({ timestamp: ts(now + 2), type: "event_msg", payload: { type: "token_count", info: null, rate_limits: { limit_id: "codex", primary: { used_percent: 100.0, window_minutes: 300, resets_at: resetsAt }, secondary: { used_percent: 50.0, window_minutes: 10080, resets_at: resetsAt + 86400 } } } });
    lines.push({ timestamp: ts(now + 3), type: "event_msg", payload: { type: "task_complete", turn_id: "t1", last_agent_message: null, error: { message: limitMessage, codex_error_info: "usage_limit_exceeded" } } });
  } else {
    lines.push({ timestamp: ts(now + 3), type: "event_msg", payload: { type: "task_complete", turn_id: "t1", last_agent_message: null, error: { message: "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.", codex_error_info: "usage_limit_exceeded" } } });
  }
  const stamp = ts(now).slice(0, 19).replace(/:/g, "-");
  fs.writeFileSync(path.join(dir, "rollout-" + stamp + "-" + id + ".jsonl"), lines.map((l) => JSON.stringify(l)).join("\\n") + "\\n");
  return id;
}
let sessionId;
if (step.rollout) sessionId = writeRollout(step.rollout, step.creator ?? auth.tokens.account_id, step.resetsInS, step.dayDir);
if (step.alsoRollout) writeRollout(step.alsoRollout.rollout, step.alsoRollout.creator, 3600);
if (step.header && sessionId) process.stderr.write("session id: " + sessionId + "\\n");
for (const line of step.stdout ?? []) process.stdout.write(line + "\\n");
for (const line of step.stderr ?? []) process.stderr.write(line + "\\n");
const finish = () => process.exit(step.exit ?? 0);
if (step.waitFor) {
  const poll = setInterval(() => { if (fs.existsSync(step.waitFor)) { clearInterval(poll); finish(); } }, 20);
} else finish();
`;

export interface FakeCodexWorld {
  root: string;
  dataDir: string;
  codexHome: string;
  fakeCodex: string;
  env: NodeJS.ProcessEnv;
  /** Sets what each account's codex does on its 1st, 2nd, ... call (the last step repeats). */
  script(steps: Record<string, FakeStep[]>): void;
  /** How codex was started, call by call. */
  calls(): Array<{ account: string; argv: string[]; tty: boolean[]; env: Record<string, string | null> }>;
  cao(args: string[], options?: RunOptions): Promise<RunResult>;
  statuses(): StatusMap;
  setStatuses(statuses: StatusMap): void;
}

export function fakeCodexWorld(
  accounts: string[],
  defaultAccount: string | null = accounts[0] ?? null,
): FakeCodexWorld {
  const world = tempWorld();
  fs.mkdirSync(world.dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(world.dataDir, "registry.json"),
    JSON.stringify({ default_account: defaultAccount, accounts }),
  );
  for (const name of accounts) {
    fs.mkdirSync(path.join(world.dataDir, name), { mode: 0o700 });
    const jwt = encodeUnsignedJwt({ "https://api.openai.com/auth": { chatgpt_account_id: `acct-${name}` } });
    const tokens = { id_token: jwt, access_token: jwt, refresh_token: "r", account_id: `acct-${name}` };
    fs.writeFileSync(path.join(world.dataDir, name, "auth.json"), JSON.stringify({ tokens }), {
      mode: 0o600,
    });
  }
  const fakeCodex = path.join(world.root, "fake-codex");
  fs.writeFileSync(fakeCodex, FAKE_CODEX, { mode: 0o755 });
  const scriptFile = path.join(world.root, "script.json");
  const logFile = path.join(world.root, "calls.jsonl");
  fs.writeFileSync(scriptFile, "{}");
  const env: NodeJS.ProcessEnv = {
    ...world.env,
    CAO_CODEX_BIN: fakeCodex,
    FAKE_CODEX_SCRIPT: scriptFile,
    FAKE_CODEX_LOG: logFile,
    CODEX_API_KEY: "sk-must-not-reach-codex",
  };
  const statusFile = path.join(world.dataDir, "account_status.json");
  return {
    root: world.root,
    dataDir: world.dataDir,
    codexHome: world.codexHome,
    fakeCodex,
    env,
    script: (steps) => fs.writeFileSync(scriptFile, JSON.stringify(steps)),
    calls: () =>
      fs.existsSync(logFile)
        ? fs
            .readFileSync(logFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line))
        : [],
    cao: (args, options = {}) => runCao(args, { env, cwd: world.root, ...options }),
    statuses: () =>
      fs.existsSync(statusFile)
        ? (JSON.parse(fs.readFileSync(statusFile, "utf8")).statuses as StatusMap)
        : {},
    setStatuses: (statuses) => fs.writeFileSync(statusFile, JSON.stringify({ statuses })),
  };
}

/**
 * This test process as the running gateway of `dataDir`: a live pid, and the
 * health answer that proves it knows the key (`cao run --gateway` checks that
 * before codex starts; see core/gateway-identity.ts). Returns its model URL;
 * the test writes `.state/gateway`.
 */
export async function standInGateway(dataDir: string): Promise<string> {
  const key = createGatewayKey(dataDir);
  const server = http.createServer((req, res) => {
    const challenge = new URL(req.url ?? "/", "http://x").searchParams.get("c") ?? "";
    res.end(
      JSON.stringify({ proof: identityProof(key, "gateway", challenge), pid: process.pid, unsaved: [] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}
