// `cao run` start-up overhead: `cao run -- <fast codex>` against calling that
// codex directly, next to `node -e 0`. Target: the time cao adds is under 1.3x
// of a bare Node start, i.e. (cao run - direct) / (node -e 0) < 1.3. The path measured is the
// success path: no consola, execa, undici or TOML parser is loaded (an account home already set up).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { caoBin } from "../helpers/cli.js";
import { compareCommands, printTable } from "./lib/measure.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-run-"));
try {
  const home = path.join(root, "home");
  const data = path.join(home, ".codex-account-orchestrator");
  fs.mkdirSync(path.join(data, "work"), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(data, "registry.json"),
    JSON.stringify({ default_account: "work", accounts: ["work"] }),
  );
  // The fastest possible codex: what is measured is cao's own cost around it.
  const fastCodex = path.join(root, "codex");
  fs.writeFileSync(fastCodex, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CAO_HOME: data, CAO_CODEX_BIN: fastCodex };
  for (const key of ["CODEX_HOME", "CAO_ACCOUNT", "CAO_MAIN_CODEX_HOME"]) delete env[key];

  const results = compareCommands(
    [
      { name: "node -e 0", command: process.execPath, args: ["-e", "0"], env },
      { name: "codex directly", command: fastCodex, args: ["exec", "hi"], env },
      { name: "cao run -- codex", command: process.execPath, args: [caoBin, "run", "--", "exec", "hi"], env },
      // For reading the result: what any cao start costs before a command runs.
      { name: "cao --version (entry only)", command: process.execPath, args: [caoBin, "--version"], env },
    ],
    { runs: 30, warmup: 3 },
  );
  printTable("cao run overhead (fast fake codex)", results);
  const [node, direct, cao] = results.map((r) => r.medianMs);
  const added = ((cao ?? 0) - (direct ?? 0)) / (node ?? 1);
  console.log(
    `\nadded start time of cao run / node -e 0: ${added.toFixed(3)}x (target < 1.3x: ${added < 1.3 ? "met" : "MISSED"})`,
  );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
