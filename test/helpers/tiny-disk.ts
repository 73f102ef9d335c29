import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * A real tiny disk: a tmpfs of `size` mounted on `dir` (needs root; CI runs
 * as root). Returns undefined with the reason when mounting is not allowed,
 * so the test can skip saying why. The dir must be inside a tempDir (temp.ts),
 * whose clean-up unmounts it.
 */
export function mountTinyDisk(dir: string, size = "1m"): { reason: string } | undefined {
  if (process.getuid?.() !== 0) return { reason: "mounting a tmpfs needs root" };
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    return {
      reason: `mount -t tmpfs is not allowed here: ${String((error as Error).message).split("\n")[0]}`,
    };
  }
  return undefined;
}

/** Fills the disk under `dir` to the last byte; returns the filler file (remove it to free the disk). */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, "filler.bin");
  const fd = fs.openSync(filler, "w");
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  }
  // Whatever partial block is left goes too.
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(1));
  } catch {
    // ENOSPC: full.
  }
  fs.closeSync(fd);
  return filler;
}
