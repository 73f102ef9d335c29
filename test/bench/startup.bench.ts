// Start-up budget (issue 2): `cao --version` and `cao status` with 10 accounts
// within 1.3x of `node -e 0`, measured side by side.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { authText } from "../helpers/auth-fixture.js";
import { caoBin } from "../helpers/cli.js";
import { compareCommands, printTable } from "./lib/measure.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-startup-"));
const dataDir = path.join(root, "data");
const names = Array.from({ length: 10 }, (_, i) => `account${i}`);
const now = Date.now();
for (const name of names) {
  fs.mkdirSync(path.join(dataDir, name), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(dataDir, name, "auth.json"),
    authText({ email: `${name}@example.com`, accountId: `acc-${name}`, refreshToken: `rt-${name}` }),
    { mode: 0o600 },
  );
}
fs.writeFileSync(
  path.join(dataDir, "registry.json"),
  JSON.stringify({ default_account: names[0], accounts: names }),
);
const statuses = Object.fromEntries(
  names.map((name, i) => [
    name,
    {
      lastAttemptAtMs: now - 60_000,
      consecutiveFailures: i % 3,
      rateLimits: {
        observedAtMs: now,
        primary: { usedPercent: i * 9, windowMinutes: 300, resetsAtMs: now + 3_600_000 },
      },
    },
  ]),
);
fs.writeFileSync(path.join(dataDir, "account_status.json"), JSON.stringify({ statuses }));

const env = { ...process.env, HOME: root, CAO_HOME: dataDir, NO_COLOR: "1" };
const node = process.execPath;
const results = compareCommands(
  [
    { name: "node -e 0", command: node, args: ["-e", "0"], env },
    { name: "cao --version", command: node, args: [caoBin, "--version"], env },
    { name: "cao status (10 accounts, non-TTY)", command: node, args: [caoBin, "status"], env },
    { name: "cao status --json (10 accounts)", command: node, args: [caoBin, "status", "--json"], env },
  ],
  { runs: Number(process.env.CAO_BENCH_RUNS ?? 30) },
);
printTable("start-up: cao vs bare node", results, {
  ratio: 1.3,
  cases: ["cao --version", "cao status (10 accounts, non-TTY)", "cao status --json (10 accounts)"],
});
fs.rmSync(root, { recursive: true, force: true });
