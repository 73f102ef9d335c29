import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { codexEnv } from "../core/codex-env.js";
import { gatewayCodexLaunch } from "../core/gateway-state.js";
import { accountDir, authPath } from "../core/paths.js";
import type { FakeBackend } from "./fake-backend/types.js";
import { DEMO_COMMAND, DEMO_PROMPTS } from "./script.js";

/** The two clients `cao demo` can drive: the real codex, or a script speaking codex's HTTP. */
export interface DemoClient {
  /** Runs turn `index` of DEMO_PROMPTS in one session. */
  turn(index: 0 | 1): Promise<{ ok: boolean; summary: string }>;
}

export function codexDemoClient(options: {
  codex: string;
  dir: string;
  mainHome: string;
  account: string;
  url: string;
  backend: FakeBackend;
  root: string;
}): DemoClient {
  const workdir = path.join(options.root, "project");
  fs.mkdirSync(workdir, { recursive: true });
  const launch = gatewayCodexLaunch({ url: options.url }, options.dir);
  const env = {
    ...codexEnv(accountDir(options.account, options.dir), {
      ...process.env,
      CAO_MAIN_CODEX_HOME: options.mainHome,
    }),
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: options.backend.refreshUrl,
    ...launch.env,
  };
  const common = ["--skip-git-repo-check", ...launch.args];
  return {
    turn(index) {
      const args =
        index === 0
          ? ["exec", "--color", "never", ...common, "-C", workdir, DEMO_PROMPTS[0]]
          : ["exec", "resume", "--last", ...common, DEMO_PROMPTS[1]];
      return runCodex(options.codex, args, env, workdir);
    },
  };
}

function runCodex(
  codex: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ ok: boolean; summary: string }> {
  return new Promise((resolve) => {
    const child = spawn(codex, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), 60_000);
    child.on("error", (error) => resolve({ ok: false, summary: `could not run codex: ${error.message}` }));
    child.on("close", (code) => {
      clearTimeout(timer);
      const answer = stdout.trim().split("\n").at(-1) ?? "";
      const trouble = /usage limit|401|unauthorized/i.test(stderr + stdout);
      resolve(
        code === 0 && !trouble
          ? { ok: true, summary: `${answer} (codex exited 0)` }
          : {
              ok: false,
              summary: `codex exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
            },
      );
    });
  });
}

/** Without codex: the same HTTP conversation, turn, tool call, follow-up, next turn, in one session. */
export function scriptedDemoClient(options: { dir: string; account: string; url: string }): DemoClient {
  const auth = JSON.parse(fs.readFileSync(authPath(options.account, options.dir), "utf8")) as {
    tokens: { access_token: string };
  };
  const headers = {
    authorization: `Bearer ${auth.tokens.access_token}`,
    "content-type": "application/json",
    "session-id": `demo-${process.pid}`,
    accept: "text/event-stream",
  };
  const history: unknown[] = [];
  const message = (text: string) => ({
    type: "message",
    role: "user",
    content: [{ type: "input_text", text }],
  });
  const post = (input: unknown[]) => postTurn(options.url, headers, { model: "gpt-5", stream: true, input });
  return {
    async turn(index) {
      try {
        history.push(message(DEMO_PROMPTS[index]));
        let events = await post(history);
        const call = events.find((e) => (e.item as { type?: string } | undefined)?.type === "function_call");
        const callId = (call?.item as { call_id?: string } | undefined)?.call_id;
        if (call && callId) {
          history.push(call.item, {
            type: "function_call_output",
            call_id: callId,
            output: `${DEMO_COMMAND[1]}\n`,
          });
          events = await post(history);
        }
        const text = events
          .filter((e) => e.type === "response.output_text.delta")
          .map((e) => String(e.delta ?? ""))
          .join("");
        return text ? { ok: true, summary: text } : { ok: false, summary: "no answer streamed" };
      } catch (error) {
        return { ok: false, summary: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

async function postTurn(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${url}/responses`, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`the gateway answered ${response.status}: ${text.slice(0, 200)}`);
  return text
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .flatMap((line) => {
      try {
        return [JSON.parse(line.slice(5)) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}
