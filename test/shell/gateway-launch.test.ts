import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../helpers/cli.js";
import {
  expectedLaunch,
  GATEWAY_LAUNCH_CASES,
  type GatewayLaunchCase,
  LAUNCH_ENV_NAMES,
  layOutLaunchCase,
} from "../helpers/gateway-launch.js";
import {
  describeInEveryShell,
  parseReport,
  type RealShell,
  runShell,
  shellWorld,
  sourceInit,
  writeTestShim,
} from "./world.js";

/**
 * test/fixtures/gateway-launch.json against the wrappers (bash, zsh, fish) and
 * the POSIX shim (sh, dash): the words codex gets before the call's own, the
 * variables in its environment, and (wrappers) that none is left in the
 * interactive shell. Each case runs twice: with no CODEX_CA_CERTIFICATE of the
 * user's, and with one, which must reach codex unchanged wherever the case
 * adds nothing and be the user's again after the call.
 */
const OWN: Record<string, string> = Object.fromEntries(
  LAUNCH_ENV_NAMES.map((name) => [name, `/own/${name}`]),
);
const WORDS = ["exec", "hi"];
/** A resume by id: cao (`cao internal resume`) stands in between and must pass it all on. */
const RESUME = ["resume", "0199a0a0-0000-7000-8000-000000000001", "go on"];

/** Prints each launch variable as the shell has it after codex returned (AFTER_NAME=value, or unset). */
const after = (shell: RealShell): string =>
  LAUNCH_ENV_NAMES.map((name) =>
    shell === "fish"
      ? `if set -q ${name}; echo "AFTER_${name}=$${name}"; else; echo "AFTER_${name}=unset"; end`
      : `echo "AFTER_${name}=\${${name}-unset}"`,
  ).join("; ");

/** A data dir with routing on and the account `work` as the default: the table's world. */
function launchWorld() {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  fs.writeFileSync(path.join(world.data, ".state/gateway-enabled"), "\n");
  const env = { ...world.env };
  for (const name of LAUNCH_ENV_NAMES) delete env[name];
  return { ...world, env };
}

interface Seen {
  args: string[];
  env: Record<string, string | undefined>;
  after?: Record<string, string | undefined>;
}

function seenIn(stdout: string, withAfter: boolean): Seen {
  const report = parseReport(stdout);
  const pick = (prefix: string) =>
    Object.fromEntries(LAUNCH_ENV_NAMES.map((name) => [name, report.values[`${prefix}${name}`]]));
  const seen: Seen = { args: report.args, env: pick("") };
  if (withAfter) seen.after = pick("AFTER_");
  return seen;
}

/** What codex must see for this case and call, with or without the user's own variables. */
function expectedSeen(
  testCase: GatewayLaunchCase,
  data: string,
  words: string[],
  own: boolean,
  withAfter: boolean,
) {
  const launch = expectedLaunch(testCase, data);
  const base = (name: string) => (own ? OWN[name] : undefined);
  const expected: Seen = {
    args: [...launch.args, ...words],
    env: Object.fromEntries(LAUNCH_ENV_NAMES.map((name) => [name, launch.env[name] ?? base(name)])),
  };
  if (withAfter)
    expected.after = Object.fromEntries(LAUNCH_ENV_NAMES.map((name) => [name, base(name) ?? "unset"]));
  return expected;
}

async function runWrapper(shell: RealShell, init: string, testCase: GatewayLaunchCase, words: string[]) {
  const world = launchWorld();
  layOutLaunchCase(world.data, testCase);
  const call = ["codex", ...words.map((w) => `'${w}'`)].join(" ");
  const script = `${sourceInit(shell)}; ${call}; ${after(shell)}`;
  for (const own of [false, true]) {
    const env = { ...world.env, INIT: init, ...(own ? OWN : {}) };
    const result = await runShell(shell, script, env);
    assert.equal(result.code, 0, result.stderr);
    const state = fs.readFileSync(path.join(world.data, ".state/gateway"), "utf8").trim();
    assert.deepEqual(
      seenIn(result.stdout, true),
      expectedSeen(testCase, world.data, words, own, true),
      `.state/gateway: ${state}, ca: ${testCase.ca}, own variables: ${own}\n${result.stdout}\n${result.stderr}`,
    );
  }
}

describeInEveryShell(
  "gateway launch (test/fixtures/gateway-launch.json)",
  GATEWAY_LAUNCH_CASES,
  (shell, init, c) => runWrapper(shell, init, c, WORDS),
);

/** The case that adds everything: what a resume must carry through cao too. */
const FULL = GATEWAY_LAUNCH_CASES.find((c) => Object.keys(c.expect.env).length > 0) as GatewayLaunchCase;

describeInEveryShell("gateway launch through cao internal resume", [FULL], (shell, init, c) =>
  runWrapper(shell, init, c, RESUME),
);

function runShim(shell: string, testCase: GatewayLaunchCase, words: string[]): void {
  const world = launchWorld();
  layOutLaunchCase(world.data, testCase);
  const { shim, realBin } = writeTestShim(world.root, world.data, [path.join(world.bin, "cao")]);
  const state = fs.readFileSync(path.join(world.data, ".state/gateway"), "utf8").trim();
  for (const own of [false, true]) {
    const env = {
      ...world.env,
      PATH: [path.dirname(shim), realBin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
      ...(own ? OWN : {}),
    };
    const result = spawnSync(shell, [shim, ...words], { env, encoding: "utf8", timeout: 30_000 });
    assert.equal(result.status, 0, `${result.error ?? ""} ${result.stderr}`);
    assert.deepEqual(
      seenIn(result.stdout, false),
      expectedSeen(testCase, world.data, words, own, false),
      `.state/gateway: ${state}, ca: ${testCase.ca}, own variables: ${own}\n${result.stdout}\n${result.stderr}`,
    );
  }
}

for (const shell of ["sh", "dash"]) {
  describe(`${shell}: the PATH shim's gateway launch (test/fixtures/gateway-launch.json)`, () => {
    for (const testCase of GATEWAY_LAUNCH_CASES) test(testCase.name, () => runShim(shell, testCase, WORDS));
    test(`through cao internal resume: ${FULL.name}`, () => runShim(shell, FULL, RESUME));
  });
}

/**
 * PowerShell cannot run here (no pwsh): its two copies are parse-checked
 * elsewhere, and here checked to name what the table adds (the -c key, the
 * variable, the CA bundle's file) and the https test.
 */
describe("PowerShell copies (not run: no pwsh here)", () => {
  const launch = expectedLaunch(FULL, "$DATA");
  const keys = launch.args
    .filter((_, i) => launch.args[i - 1] === "-c")
    .map((word) => word.split("=")[0] ?? "");
  const files = Object.values(launch.env).map((value) => path.relative("$DATA", value));
  for (const file of ["shells/cao.ps1", "templates/codex-shim.ps1"]) {
    test(`${file}: names the table's keys, variables and CA bundle, and tests for https://`, () => {
      const text = fs.readFileSync(path.join(repoRoot, file), "utf8");
      const missing = [
        ...keys.map((key) => `${key}=`),
        ...LAUNCH_ENV_NAMES.map((name) => `$env:${name} =`),
        ...files.map((name) => `'${name}'`),
        ".StartsWith('https://')",
      ].filter((needle) => !text.includes(needle));
      assert.deepEqual(missing, [], `${file} lacks these`);
    });
  }
});
