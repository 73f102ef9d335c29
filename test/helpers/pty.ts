import { spawn } from "node:child_process";
import { scaled } from "./deadline.js";

export interface PtySession {
  /** Resolves once the output contains `text` (ANSI codes stripped); rejects after timeoutMs. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  write(keys: string): void;
  exit: Promise<number | null>;
  /** The output with ANSI codes stripped. */
  output(): string;
  /** The output as the terminal got it, escape codes and all. */
  rawOutput(): string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escape sequences
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs a command under a real pseudo-terminal (util-linux `script`), so the
 * program sees a TTY on stdin and stdout, with a sane window size.
 *
 * A typed Ctrl-C reaches the whole foreground process group, including the
 * shell `script` starts (dash when $SHELL is unset, as on CI). The `trap`
 * keeps that shell alive so it can still report the command's exit status;
 * a trapped signal is reset to its default in the commands it runs.
 */
export function runInPty(command: string, env: NodeJS.ProcessEnv): PtySession {
  const child = spawn("script", ["-qec", `trap : INT; stty cols 120 rows 40; ${command}`, "/dev/null"], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let raw = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const clean = () => raw.replace(ANSI, "");
  child.stdout.on("data", (chunk: Buffer) => {
    raw += chunk.toString();
    for (const w of [...waiters]) {
      if (clean().includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    waitFor(text, timeoutMs = 15_000) {
      if (clean().includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill();
          reject(
            new Error(`timed out waiting for ${JSON.stringify(text)}; output: ${JSON.stringify(clean())}`),
          );
        }, scaled(timeoutMs));
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    write: (keys) => child.stdin.write(keys),
    exit,
    output: clean,
    rawOutput: () => raw,
  };
}
