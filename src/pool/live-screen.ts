import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { isTerminal } from "../terminal/stdout.js";
import { loadLiveData, renderLive } from "./live-view.js";

/** Alternate screen, hidden cursor; undone on every way out. */
const ENTER = "\x1b[?1049h\x1b[?25l";
const LEAVE = "\x1b[?25h\x1b[?1049l";
const REFRESH_MS = 1000;

/**
 * Runs the live view until q or Ctrl-C (exit 0). Each frame is drawn over the
 * last one from the top-left corner, every line cleared to its end and the
 * rest of the screen below the frame: no blank-then-draw, so no flicker.
 */
export async function runLiveView(dir: string): Promise<void> {
  if (!(await isTerminal(1))) {
    throw new CaoError(
      "the live view needs a terminal",
      ExitCode.usage,
      "use `cao status` or `cao status --json` in scripts",
    );
  }
  const out = process.stdout;
  const stdin = process.stdin;
  let timer: NodeJS.Timeout | undefined;
  let drawing = false;
  const draw = async () => {
    if (drawing) return;
    drawing = true;
    try {
      const now = Date.now();
      const lines = renderLive(await loadLiveData(dir, now), now, out.columns || 100).slice(
        0,
        Math.max(1, (out.rows || 40) - 1),
      );
      out.write(`\x1b[H${lines.map((line) => `${line}\x1b[K`).join("\r\n")}\x1b[J`);
    } finally {
      drawing = false;
    }
  };
  await new Promise<void>((resolve, reject) => {
    const finish = (error?: unknown) => {
      if (timer) clearInterval(timer);
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
      process.off("SIGWINCH", onResize);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      out.write(LEAVE);
      if (error) reject(error);
      else resolve();
    };
    const onSigint = () => finish();
    const onResize = () => void draw().catch(finish);
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);
    process.on("SIGWINCH", onResize);
    if (stdin.isTTY) {
      // Raw mode: Ctrl-C arrives as a byte, q quits too; nothing typed is echoed over the frame.
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on("data", (key: Buffer) => {
        if (key.includes(0x03) || key.includes(0x71) || key.includes(0x04)) finish();
      });
    }
    out.write(ENTER);
    draw().catch(finish);
    timer = setInterval(() => draw().catch(finish), REFRESH_MS);
  });
}
