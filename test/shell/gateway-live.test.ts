import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { readLiveGatewayState } from "../../src/core/gateway-state.js";
import { processStartTime } from "../../src/core/process-identity.js";
import { renderShims } from "../../src/gateway-setup/shims.js";
import { renderInit } from "../../src/shell/render.js";
import { parseReport, REAL_SHELLS, runShell, shellWorld, sourceInit } from "./world.js";

/**
 * Issue 10 item 5: when is the gateway in `.state/gateway` trusted? One
 * table of cases, run against every copy of the rule: the TypeScript one
 * (src/core/process-identity.ts), the wrappers (bash, zsh, fish) and the
 * POSIX shim (sh, dash). A pid alone is not enough: a reused pid (same pid,
 * another start time) must be refused, and the start time must be read past a
 * command name holding spaces and ")".
 */
const URL = "http://127.0.0.1:9/v1";
let live: { pid: number; start: string };
let tricky: { pid: number; start: string };
let dead: number;

// Registered here, at the top level: an `after` inside `before` would end them after the first test.
const children: ReturnType<typeof spawn>[] = [];
const scratch = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "cao-live-"));
after(() => {
  for (const child of children) child.kill();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function startProcess(command: string, args: string[]): Promise<{ pid: number; start: string }> {
  const child = spawn(command, args, { stdio: "ignore" });
  children.push(child);
  await new Promise((resolve) => child.once("spawn", resolve));
  const pid = child.pid as number;
  const start = processStartTime(pid);
  assert.ok(start, "these cases need /proc");
  return { pid, start };
}

before(async () => {
  live = await startProcess("sleep", ["300"]);
  // A command name (field 2 of /proc/PID/stat) with ") " and spaces in it: "x) 1 2 3".
  const odd = path.join(scratch, "x) 1 2 3");
  fs.symlinkSync(spawnSync("sh", ["-c", "command -v sleep"], { encoding: "utf8" }).stdout.trim(), odd);
  tricky = await startProcess(odd, ["300"]);
  const gone = spawn("true");
  await new Promise((resolve) => gone.once("exit", resolve));
  dead = gone.pid as number;
});

const cases = (): { name: string; line: string; live: boolean }[] => [
  { name: "alive, same start time", line: `${live.pid} ${URL} pool ${live.start}`, live: true },
  {
    name: "pid reused (another start time)",
    line: `${live.pid} ${URL} pool ${Number(live.start) + 7}`,
    live: false,
  },
  { name: "start time unknown (-)", line: `${live.pid} ${URL} pool -`, live: true },
  { name: "old format (no start time)", line: `${live.pid} ${URL} pool`, live: true },
  {
    name: "command name with ') ' and spaces",
    line: `${tricky.pid} ${URL} pool ${tricky.start}`,
    live: true,
  },
  {
    name: "command name with ') ', wrong start",
    line: `${tricky.pid} ${URL} pool ${Number(tricky.start) + 1}`,
    live: false,
  },
  { name: "dead pid", line: `${dead} ${URL} pool ${live.start}`, live: false },
  { name: "junk pid", line: `12x ${URL} pool ${live.start}`, live: false },
];

test("the TypeScript rule follows the table", () => {
  const world = shellWorld({ accounts: ["work", "pool"], defaultAccount: "work" });
  for (const c of cases()) {
    fs.writeFileSync(path.join(world.data, ".state/gateway"), `${c.line}\n`);
    assert.equal(readLiveGatewayState(world.data) !== undefined, c.live, c.name);
  }
});

test("every wrapper (bash, zsh, fish) follows the table", async () => {
  const world = shellWorld({ accounts: ["work", "pool"], defaultAccount: "work" });
  fs.writeFileSync(path.join(world.data, ".state/gateway-enabled"), "\n");
  for (const shell of REAL_SHELLS) {
    const init = path.join(world.root, `live.${shell}`);
    fs.writeFileSync(init, renderInit(shell, path.join(world.bin, "cao"), { prompt: "none" }));
    for (const c of cases()) {
      fs.writeFileSync(path.join(world.data, ".state/gateway"), `${c.line}\n`);
      const result = await runShell(shell, `${sourceInit(shell)}; codex hi`, { ...world.env, INIT: init });
      assert.equal(result.code, 0, `${shell} ${c.name}: ${result.stderr}`);
      const routed = parseReport(result.stdout).args.includes(`openai_base_url="${URL}"`);
      assert.equal(routed, c.live, `${shell}, ${c.name}: ${result.stdout} ${result.stderr}`);
    }
  }
});

test("the POSIX shim (sh, dash) follows the table", () => {
  const world = shellWorld({ accounts: ["work", "pool"], defaultAccount: "work" });
  fs.writeFileSync(path.join(world.data, ".state/gateway-enabled"), "\n");
  const shims = path.join(world.root, "shims");
  fs.mkdirSync(shims);
  const shim = path.join(shims, "codex");
  const rendered = renderShims({ dir: shims, dataDir: world.data, platform: "posix", caoCommand: ["false"] });
  fs.writeFileSync(shim, rendered.get("codex") ?? "", { mode: 0o755 });
  const env = { ...world.env, PATH: `${shims}:${world.env.PATH}` };
  for (const shell of ["sh", "dash"]) {
    for (const c of cases()) {
      fs.writeFileSync(path.join(world.data, ".state/gateway"), `${c.line}\n`);
      const result = spawnSync(shell, [shim, "hi"], { env, encoding: "utf8", timeout: 10_000 });
      const routed = parseReport(result.stdout).args.includes(`openai_base_url="${URL}"`);
      assert.equal(routed, c.live, `${shell}, ${c.name}: ${result.stdout} ${result.stderr}`);
    }
  }
});
