import { execFile, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after } from "node:test";
import { promisify } from "node:util";
import { scaled } from "./deadline.js";

const run = promisify(execFile);

/**
 * A driver for interactive programs (the Codex TUI, a shell running it) in
 * tmux, for tests: start a pane with an exact environment and directory, type,
 * wait for the screen to show something, read it, quit. One tmux server per
 * test file (its own socket, so files run in parallel), killed after the file
 * together with the Codex app-server daemons the TUIs left under `reapUnder`.
 *
 *   const tmux = tmuxServer();
 *   const tui = await tmux.start({ argv: ["bash", "--norc", "-i"], env, cwd });
 *   await tui.line("codex");                    // type a command line and Enter
 *   await tui.waitFor(/Ask Codex/);             // the composer is up
 *   await tui.submit("say hi");                 // type a prompt, wait for it, Enter
 *   await tui.waitFor((s) => s.includes("hi"), { describe: "the answer" });
 *   await tui.quit();                           // Ctrl-C until codex is gone
 *
 * Every failed wait throws with the screen as it was, so a failure shows what the user would have seen.
 */
export interface TmuxServer {
  readonly socket: string;
  start(options: TuiStart): Promise<Tui>;
  /** Directories whose codex processes (TUIs, app-server daemons) are killed when the file ends. */
  reapUnder(dir: string): void;
}

export interface TuiStart {
  /** What the pane runs, e.g. `["bash", "--norc", "-i"]` or `[codexBin]`. */
  argv: string[];
  /** The pane's whole environment (nothing is inherited from the test process). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  width?: number;
  height?: number;
}

export interface WaitOptions {
  /** Deadline on an idle machine; scaled to the load (test/helpers/deadline.ts). Default 20 s. */
  timeoutMs?: number;
  describe?: string;
}

export interface Tui {
  readonly target: string;
  /** The visible screen, trailing blanks trimmed. */
  screen(): Promise<string>;
  /** Polls the screen until `condition` holds; returns that screen. Throws with the screen on timeout. */
  waitFor(condition: RegExp | ((screen: string) => boolean), options?: WaitOptions): Promise<string>;
  /** Types text literally (no key names), then waits until it shows. */
  type(text: string): Promise<void>;
  /** tmux key names: "Enter", "C-c", "Escape", "Up", ... */
  keys(...names: string[]): Promise<void>;
  /** Types a shell command line and presses Enter. */
  line(text: string): Promise<void>;
  /** Types a prompt into the Codex composer, waits until it shows, presses Enter, and waits until it left the composer. */
  submit(prompt: string): Promise<void>;
  /** Name of the pane's foreground program ("node" while codex runs under a shell, "bash" after). */
  foreground(): Promise<string>;
  /** Quits codex with Ctrl-C until `done` holds (default: the pane's own program is in the foreground again, or the pane ended). */
  quit(options?: WaitOptions & { done?: () => Promise<boolean> }): Promise<void>;
  /** Whether the pane's program has ended (panes stay visible after their program ends). */
  ended(): Promise<boolean>;
  kill(): Promise<void>;
}

const POLL_MS = 100;

export function tmuxServer(): TmuxServer {
  const socket = `cao-test-${process.pid}-${randomUUID().slice(0, 8)}`;
  const reap: string[] = [];
  const tmux = async (...args: string[]) =>
    (await run("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" })).stdout;
  after(() => {
    try {
      execFileSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
    } catch {
      // No session left: the server is already gone.
    }
    for (const dir of reap) killCodexProcessesUnder(dir);
  });
  // If the test process is killed (a runner timeout), after() never runs: a watchdog pane ends the
  // server and the codex processes of the reaped dirs once this process is gone.
  const reapFile = path.join(os.tmpdir(), `${socket}.reap`);
  fs.writeFileSync(reapFile, "");
  after(() => fs.rmSync(reapFile, { force: true }));
  let started: Promise<unknown> | undefined;
  const ensureServer = () => {
    started ??= tmux(
      "new-session",
      "-d",
      "-s",
      "watchdog",
      "sh",
      "-c",
      watchdogScript(process.pid, socket, reapFile),
    );
    return started;
  };
  let count = 0;
  return {
    socket,
    reapUnder: (dir) => {
      const real = fs.realpathSync(dir);
      reap.push(real);
      fs.appendFileSync(reapFile, `${real}\n`);
    },
    async start(options) {
      await ensureServer();
      count += 1;
      const name = `t${count}`;
      const env = Object.entries(options.env)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${value}`);
      await tmux(
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        String(options.width ?? 160),
        "-y",
        String(options.height ?? 50),
        "-c",
        options.cwd,
        "env",
        "-i",
        ...env,
        ...options.argv,
      );
      await tmux("set-option", "-t", name, "remain-on-exit", "on");
      return driver(tmux, `${name}:0.0`, options.argv[0] ?? "");
    },
  };
}

function driver(tmux: (...args: string[]) => Promise<string>, target: string, program: string): Tui {
  const programName = program.split("/").pop() ?? program;
  const screen = async () =>
    (await tmux("capture-pane", "-p", "-t", target))
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n")
      .trimEnd();
  const ended = async () =>
    (await tmux("display-message", "-p", "-t", target, "#{pane_dead}")).trim() === "1";
  const foreground = async () =>
    (await tmux("display-message", "-p", "-t", target, "#{pane_current_command}")).trim();
  const waitFor: Tui["waitFor"] = async (condition, options = {}) => {
    const test = typeof condition === "function" ? condition : (text: string) => condition.test(text);
    const limit = scaled(options.timeoutMs ?? 20_000);
    const deadline = Date.now() + limit;
    for (;;) {
      const text = await screen();
      if (test(text)) return text;
      if (Date.now() > deadline)
        throw new Error(
          `not on screen within ${limit} ms: ${options.describe ?? String(condition)}\n--- screen (${target}) ---\n${text}\n---`,
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const type = async (text: string) => {
    await tmux("send-keys", "-t", target, "-l", text);
    // Codex treats keys that arrive together as a paste, where Enter is a newline: the text must
    // have landed before Enter is pressed.
    await waitFor((s) => s.includes(text), { describe: `typed text ${JSON.stringify(text)}` });
  };
  const keys = async (...names: string[]) => {
    await tmux("send-keys", "-t", target, ...names);
  };
  return {
    target,
    screen,
    waitFor,
    type,
    keys,
    ended,
    foreground,
    async line(text) {
      await type(text);
      await keys("Enter");
    },
    async submit(prompt) {
      await type(prompt);
      // The composer is the last "›" line; earlier ones are the transcript's user messages. Sent
      // means: the prompt is in the transcript and no longer in the composer. (Only "not in the
      // composer" would also hold while a popup or a redraw hides the composer for a moment, and
      // an Enter the TUI was not ready for would go unnoticed.)
      const sent = (s: string) => {
        const marked = s.split("\n").filter((line) => line.startsWith("›"));
        return marked.slice(0, -1).some((line) => line.includes(prompt)) && !marked.at(-1)?.includes(prompt);
      };
      for (let attempt = 0; attempt < 3; attempt++) {
        await keys("Enter");
        try {
          await waitFor(sent, { timeoutMs: 3000, describe: `prompt ${prompt} sent` });
          return;
        } catch (error) {
          if (attempt === 2) throw error;
        }
      }
    },
    async quit(options = {}) {
      const done = options.done ?? (async () => (await ended()) || (await foreground()) === programName);
      const limit = scaled(options.timeoutMs ?? 15_000);
      const deadline = Date.now() + limit;
      while (!(await done())) {
        if (Date.now() > deadline)
          throw new Error(
            `codex did not quit within ${limit} ms\n--- screen (${target}) ---\n${await screen()}\n---`,
          );
        await keys("C-c");
        // Give the program time to quit before pressing again (a second press may reach a parent).
        const settle = Date.now() + scaled(2000);
        while (Date.now() < settle && !(await done()))
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async kill() {
      await tmux("kill-session", "-t", target.split(":")[0] ?? target).catch(() => undefined);
    },
  };
}

/** sh: wait for the test process to end, then kill what it left (see killCodexProcessesUnder). */
function watchdogScript(pid: number, socket: string, reapFile: string): string {
  return [
    `while kill -0 ${pid} 2>/dev/null; do sleep 2; done`,
    `while read -r dir; do for p in /proc/[0-9]*; do case "$(readlink "$p/exe" 2>/dev/null)" in "$dir"/*) kill -9 "\${p#/proc/}";; esac; done; done < '${reapFile}'`,
    `rm -f '${reapFile}'`,
    `tmux -L '${socket}' kill-server`,
  ].join("; ");
}

/**
 * Kills every process whose executable or first argument lies under `dir`:
 * the Codex app-server daemons (their binary is copied into the CODEX_HOME)
 * and TUIs the tests started there. Only processes of this test's own temp
 * dirs, by pid.
 */
function killCodexProcessesUnder(dir: string): void {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let exe = "";
    try {
      exe = fs.readlinkSync(`/proc/${entry}/exe`);
    } catch {
      continue;
    }
    if (exe.startsWith(`${dir}/`)) {
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}
