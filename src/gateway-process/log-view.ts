import fs from "node:fs";
import { dataDir } from "../core/paths.js";
import { logFilePath } from "./process-files.js";

/** `cao gateway logs`: the last lines of gateway.log, and with `follow` whatever is appended after. */
export async function showGatewayLog(
  options: { lines: number; follow: boolean },
  dir = dataDir(),
): Promise<void> {
  const file = logFilePath(dir);
  let position = 0;
  try {
    const text = fs.readFileSync(file, "utf8");
    position = Buffer.byteLength(text);
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    const shown = options.lines === 0 ? [] : lines.slice(-options.lines);
    if (shown.length > 0) process.stdout.write(`${shown.join("\n")}\n`);
  } catch {
    if (!options.follow) {
      process.stderr.write(`no gateway log yet (${file}); it is written by \`cao gateway start --detach\`\n`);
      return;
    }
  }
  if (!options.follow) return;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        return;
      }
      if (size < position) position = 0; // rotated
      if (size === position) return;
      const fd = fs.openSync(file, "r");
      const chunk = Buffer.alloc(size - position);
      fs.readSync(fd, chunk, 0, chunk.length, position);
      fs.closeSync(fd);
      position = size;
      process.stdout.write(chunk);
    }, 200);
    const stop = () => {
      clearInterval(timer);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
