// The PATH shim's cost: a trivial stand-in codex run directly vs through the
// `codex` shim (sh), interleaved in one run. The shim walks PATH, resolves the
// account and reads the gateway state with builtins only; the added time should
// be about a millisecond (mostly the extra sh start-up).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderShims } from "../../src/gateway-setup/shims.js";
import { compareCommands, printTable } from "./lib/measure.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-shim-"));
try {
  const dataDir = path.join(root, "data");
  const shims = path.join(root, "shims");
  const real = path.join(root, "real");
  for (const dir of [path.join(dataDir, "main"), path.join(dataDir, ".state"), shims, real]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.writeFileSync(path.join(dataDir, ".state/default"), "main\n");
  fs.writeFileSync(path.join(dataDir, ".state/gateway-enabled"), "\n");
  fs.writeFileSync(path.join(dataDir, ".state/gateway"), `${process.pid} http://127.0.0.1:4319/v1 main\n`);
  fs.writeFileSync(path.join(real, "codex"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const shim = renderShims({ dir: shims, dataDir, platform: "posix" }).get("codex") ?? "";
  fs.writeFileSync(path.join(shims, "codex"), shim, { mode: 0o755 });
  // A realistic PATH: a few dirs before the real codex.
  const env = {
    ...process.env,
    CAO_HOME: dataDir,
    PATH: [shims, "/usr/local/sbin", "/usr/local/bin", real, "/usr/bin", "/bin"].join(":"),
  };
  const results = compareCommands(
    [
      { name: "codex directly", command: path.join(real, "codex"), args: [], env },
      { name: "codex through the shim (gateway route)", command: path.join(shims, "codex"), args: [], env },
    ],
    { runs: 200, warmup: 20 },
  );
  printTable("PATH shim: stand-in codex, direct vs through the shim", results);
  const added = (results[1]?.medianMs ?? 0) - (results[0]?.medianMs ?? 0);
  console.log(`added by the shim at p50: ${added.toFixed(2)} ms (target: about 1 ms)`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
