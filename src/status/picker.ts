import { loadSnapshot } from "../core/account-view.js";
import { usageError } from "../core/errors.js";
import { dataDir } from "../core/paths.js";
import { painter } from "../terminal/colour.js";
import { clip, dashboardTable } from "./pretty.js";

const KEYS_HINT = "↑/↓ or j/k move · Enter makes it the default · q or Esc cancels";

type Key = "up" | "down" | "choose" | "cancel";

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal key sequences start with ESC
const TOKEN = /\x1b[[O][A-D]|\x1b\[[0-9;]*[~A-Za-z]|[\s\S]/g;

/** The keys in what a terminal sent (several may come in one chunk), as picker moves; others are dropped. */
export function keysOf(data: string): Key[] {
  const keys: Key[] = [];
  // An arrow is ESC [ A (or ESC O A in application mode); ESC alone is the Esc key.
  for (const [token] of data.matchAll(TOKEN)) {
    if (token === "\x1b[A" || token === "\x1bOA" || token === "k") keys.push("up");
    else if (token === "\x1b[B" || token === "\x1bOB" || token === "j") keys.push("down");
    else if (token === "\r" || token === "\n") keys.push("choose");
    // Esc, q, Ctrl-C, Ctrl-D.
    else if (token === "\x1b" || token === "q" || token === "\x03" || token === "\x04") keys.push("cancel");
  }
  return keys;
}

/**
 * Asks which account becomes the default, showing each as the dashboard's row
 * (`cao status`: login, 5-hour and weekly use with resets, cooldown,
 * failures). Undefined when the user cancels (q, Esc, Ctrl-C).
 */
export async function pickAccount(dir = dataDir()): Promise<string | undefined> {
  if (!process.stdin.isTTY) {
    throw usageError("`cao switch` needs a terminal to pick from", "name the account: `cao switch NAME`");
  }
  const snapshot = loadSnapshot(dir);
  const names = snapshot.accounts.map((a) => a.name);
  if (names.length === 0) throw usageError("no accounts yet", "add one with `cao add NAME`");
  const paint = painter(1);
  const { header, rows } = dashboardTable(snapshot, paint);
  const out = process.stdout;
  let cursor = Math.max(0, names.indexOf(snapshot.defaultAccount ?? ""));
  let drawn = 0;
  const draw = () => {
    const columns = out.columns || 100;
    const lines = [
      paint("bold", "Pick the default account"),
      paint("dim", `  ${header}`),
      ...rows.map((row, i) => (i === cursor ? `${paint("cyan", "›")} ${paint("bold", row)}` : `  ${row}`)),
      paint("dim", KEYS_HINT),
    ].map((line) => clip(line, columns));
    // Over the last frame, from its first line; each line cleared to its end.
    const up = drawn > 1 ? `\x1b[${drawn - 1}A` : "";
    // Raw mode turns off the terminal's newline translation: each line ends in \r\n.
    out.write(`${up}\r${lines.map((line) => `${line}\x1b[K`).join("\r\n")}`);
    drawn = lines.length;
  };
  const stdin = process.stdin;
  return new Promise<string | undefined>((resolve) => {
    const finish = (picked: string | undefined) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      // The picker goes; what was chosen is said by the caller.
      out.write(`${drawn > 1 ? `\x1b[${drawn - 1}A` : ""}\r\x1b[J`);
      resolve(picked);
    };
    const onData = (chunk: Buffer) => {
      const keys = keysOf(chunk.toString("utf8"));
      for (const key of keys) {
        if (key === "cancel") return finish(undefined);
        if (key === "choose") return finish(names[cursor]);
        cursor = (cursor + (key === "up" ? names.length - 1 : 1)) % names.length;
      }
      if (keys.length > 0) draw();
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
    draw();
  });
}
