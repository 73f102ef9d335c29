import { StringDecoder } from "node:string_decoder";
import { classifyCodexMessage, type QuotaSignal } from "./quota-signal.js";

/** `codex exec` prints its fatal error as `ERROR: <message>` on a line of its own. */
const ERROR_PREFIX = "ERROR: ";
/** ...and the session it records in its header, which names the rollout file. */
const SESSION_LINE = /^session id: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** A line longer than this is model output, not one of Codex's messages: stop collecting it. */
const MAX_LINE = 4096;

/**
 * Watches codex's stderr as it streams past (cao forwards every chunk at once
 * and never holds output back): remembers the session id from the header and
 * Codex's own usage-limit message, if any.
 */
export class StderrWatch {
  sessionId: string | undefined;
  quota: QuotaSignal | undefined;
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private overlong = false;

  push(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!this.overlong) this.inspect(line);
      this.overlong = false;
    }
    if (this.partial.length > MAX_LINE) {
      this.partial = "";
      this.overlong = true;
    }
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest && !this.overlong) this.inspect(rest);
  }

  private inspect(rawLine: string): void {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes, should Codex add them
    const line = rawLine.replace(/\r$/, "").replace(/\u001b\[[0-9;]*m/g, "");
    if (this.sessionId === undefined) {
      const session = SESSION_LINE.exec(line);
      if (session) this.sessionId = session[1];
    }
    if (line.startsWith(ERROR_PREFIX)) {
      const signal = classifyCodexMessage(line.slice(ERROR_PREFIX.length), Date.now(), "stderr");
      if (signal) this.quota = signal;
    }
  }
}
