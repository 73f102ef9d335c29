import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { parse as parseToml, stringify as stringifyToml } from "smol-toml";
import { ensureAccountHome } from "../../src/core/codex-home.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeAccountSpec, FakeBackend } from "../../src/demo/fake-backend/types.js";
import { caoBin } from "../helpers/cli.js";
import { codexPathDir } from "../helpers/real-codex.js";
import type { TmuxServer, Tui } from "../helpers/tui.js";
import { type RunWorld, runWorld } from "./run-world.js";

/**
 * A cao world for interactive Codex tests: accounts signed in to an HTTPS fake
 * backend, `cao` and the real `codex` on PATH, and the pane environment the
 * TUI needs offline (the backend's CA as CODEX_CA_CERTIFICATE).
 */
export interface TuiWorld extends RunWorld {
  root: string;
  bin: string;
  /** The environment a pane starts with. */
  paneEnv: NodeJS.ProcessEnv;
}

export function tuiWorld(
  tmux: TmuxServer,
  backend: FakeBackend,
  accounts: Array<{ name: string; accountId: string }>,
  /** TOML the user adds to the main Codex config (merged table by table, as the docs tell users to). */
  extraConfig?: string,
): TuiWorld {
  assert.ok(backend.caCertFile, "the TUI needs the fake backend's HTTPS side (https: true)");
  const world = runWorld(backend, accounts);
  // Codex's rate-limit model nudge is a modal that takes the keyboard; it follows the home account's
  // own usage, not the pool (issue 13 item 3, docs/tui.md), so these tests turn it off as a user can.
  fs.appendFileSync(
    path.join(world.codexHome, "config.toml"),
    "\n[notice]\nhide_rate_limit_model_nudge = true\n",
  );
  if (extraConfig) mergeIntoToml(path.join(world.codexHome, "config.toml"), extraConfig);
  const root = path.dirname(world.cwd);
  // Homes as `cao add` makes them: config synced from the main one, sessions and the rest shared.
  const previous = process.env.CAO_MAIN_CODEX_HOME;
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  try {
    for (const { name } of accounts) ensureAccountHome(name, world.dataDir);
  } finally {
    if (previous === undefined) delete process.env.CAO_MAIN_CODEX_HOME;
    else process.env.CAO_MAIN_CODEX_HOME = previous;
  }
  const bin = path.join(root, "bin");
  fs.mkdirSync(bin);
  fs.chmodSync(caoBin, 0o755);
  fs.symlinkSync(caoBin, path.join(bin, "cao"));
  tmux.reapUnder(root);
  const paneEnv: NodeJS.ProcessEnv = {
    ...world.env,
    PATH: `${bin}:${codexPathDir()}:${process.env.PATH}`,
    CODEX_CA_CERTIFICATE: backend.caCertFile,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
  };
  for (const key of ["CAO_CODEX_BIN", "PROMPT_COMMAND", "PS1", "CAO_PROMPT", "NO_COLOR"]) delete paneEnv[key];
  return { ...world, root, bin, paneEnv };
}

function mergeIntoToml(file: string, extra: string): void {
  const config = parseToml(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  for (const [key, value] of Object.entries(parseToml(extra))) {
    const old = config[key];
    const bothTables = [old, value].every((v) => v && typeof v === "object" && !Array.isArray(v));
    config[key] = bothTables ? { ...(old as object), ...(value as object) } : value;
  }
  fs.writeFileSync(file, stringifyToml(config));
}

/** A fake backend the TUI can use (HTTPS, WebSocket), answering `reply-PROMPT by X`, X the account id's last letter. */
export function startTuiBackend(accounts: FakeAccountSpec[]): Promise<FakeBackend> {
  return startFakeBackend({
    https: true,
    websocket: true,
    accounts,
    reply: (input) => ({ kind: "text", text: `reply-${input.userText} by ${input.accountId.slice(-1)}` }),
  });
}

/** The shells the TUI tests start codex from, and how each loads cao's functions. */
export const SHELLS = {
  bash: { argv: ["bash", "--norc", "--noprofile", "-i"], init: 'eval "$(cao init bash)"' },
  zsh: { argv: ["zsh", "-f", "-i"], init: 'eval "$(cao init zsh)"' },
} as const;

/** The composer is up and idle: codex is ready for a prompt. */
export const READY = /Ask Codex to do anything|›\s*$/m;

/** Words a user would read as trouble on a Codex screen. */
const TROUBLE =
  /usage limit|(?<![\w-])(?:429|401)(?![\w-])|Reconnecting|unauthorized|log out and sign in|Switch to|Automatically switched/i;

/**
 * Codex's random tips ("Tip: ... use /usage to check your account usage and access available usage
 * limit resets") are not trouble, whatever words they use; they sit on their own "Tip:" lines.
 */
const TIP_LINE = /^\s*(?:└\s*)?Tip:.*$/gm;

/** The first words of `pattern` on the screen outside Codex's tips (default: trouble), or null. */
export function seenOnScreen(screen: string, pattern: RegExp = TROUBLE): RegExpExecArray | null {
  return pattern.exec(screen.replace(TIP_LINE, ""));
}

/** The footer's model line (e.g. "GPT-6.2-Sol default · ~"). */
export function footerModel(screen: string): string {
  const line = screen.split("\n").find((l) => /^\s+(gpt|GPT)-[\w.-]+/.test(l));
  return line?.trim().split(" · ")[0] ?? "";
}

/** Submits a prompt and waits until the answer the fake backend gives it is on screen. */
export async function turn(tui: Tui, prompt: string, answer: RegExp): Promise<string> {
  await tui.submit(prompt);
  return tui.waitFor(answer, { describe: `answer to ${JSON.stringify(prompt)}`, timeoutMs: 30_000 });
}
