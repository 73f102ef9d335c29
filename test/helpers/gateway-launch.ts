import fs from "node:fs";
import path from "node:path";
import { processStartTime } from "../../src/core/process-identity.js";
import { repoRoot } from "./cli.js";

/** One case of test/fixtures/gateway-launch.json (its "about" says what the fields mean). */
export interface GatewayLaunchCase {
  name: string;
  state: string;
  ca: "file" | "missing" | "directory";
  expect: { args: string[]; env: Record<string, string> };
}

const table = JSON.parse(
  fs.readFileSync(path.join(repoRoot, "test/fixtures/gateway-launch.json"), "utf8"),
) as { cases: GatewayLaunchCase[] };
export const GATEWAY_LAUNCH_CASES: readonly GatewayLaunchCase[] = table.cases;

/** Above the largest pid Linux can hand out (PID_MAX_LIMIT, 2^22): no process has it. */
const DEAD_PID = "4194305";

/** The gateway's model URL where nothing needs to answer on it: the discard port, closed here. */
export const CLOSED_URL = "http://127.0.0.1:9/v1";

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\$[A-Z_]+/g, (token) => values[token] ?? token);

/**
 * Writes the case's `.state/gateway` (the live process is this test's own, so
 * every child it starts sees it alive) and `.state/gateway-ca.pem` into `data`.
 */
export function layOutLaunchCase(data: string, testCase: GatewayLaunchCase, url = CLOSED_URL): void {
  const state = path.join(data, ".state");
  fs.mkdirSync(state, { recursive: true });
  const line = fill(testCase.state, {
    $PID: String(process.pid),
    $START: processStartTime(process.pid) ?? "-",
    $DEAD_PID: DEAD_PID,
    $URL: url,
  });
  fs.writeFileSync(path.join(state, "gateway"), `${line}\n`);
  const ca = path.join(state, "gateway-ca.pem");
  fs.rmSync(ca, { recursive: true, force: true });
  if (testCase.ca === "file") fs.writeFileSync(ca, "-----BEGIN CERTIFICATE-----\n");
  if (testCase.ca === "directory") fs.mkdirSync(ca);
}

/** What the case says the launch adds, with $DATA and $URL filled in. */
export function expectedLaunch(
  testCase: GatewayLaunchCase,
  data: string,
  url = CLOSED_URL,
): GatewayLaunchCase["expect"] {
  const values = { $DATA: data, $URL: url };
  return {
    args: testCase.expect.args.map((word) => fill(word, values)),
    env: Object.fromEntries(
      Object.entries(testCase.expect.env).map(([key, value]) => [key, fill(value, values)]),
    ),
  };
}

/** The environment variables the table adds somewhere: each must be absent where a case adds nothing. */
export const LAUNCH_ENV_NAMES: readonly string[] = [
  ...new Set(GATEWAY_LAUNCH_CASES.flatMap((c) => Object.keys(c.expect.env))),
];
