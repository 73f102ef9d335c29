import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import {
  gatewayCodexLaunch,
  gatewayStatePath,
  readGatewayState,
  readLiveGatewayState,
  writeGatewayState,
} from "../../src/core/gateway-state.js";
import { expectedLaunch, GATEWAY_LAUNCH_CASES, layOutLaunchCase } from "../helpers/gateway-launch.js";
import { tempDir } from "../helpers/temp.js";

for (const testCase of GATEWAY_LAUNCH_CASES) {
  test(`gatewayCodexLaunch: ${testCase.name}`, () => {
    const data = tempDir();
    layOutLaunchCase(data, testCase);
    // What `cao run --gateway` does: only a live gateway is launched through.
    const live = readLiveGatewayState(data);
    const launch = live ? gatewayCodexLaunch(live, data) : { args: [], env: {} };
    const line = fs.readFileSync(gatewayStatePath(data), "utf8").trim();
    assert.deepEqual(launch, expectedLaunch(testCase, data), `state line: ${line}`);
  });
}

test("writeGatewayState writes the backend as the fifth field, `-` without one, and reads it back", () => {
  const data = tempDir();
  const state = { pid: 4242, url: "http://127.0.0.1:4319/v1", account: "work", startTime: "777" };
  const backendUrl = "https://127.0.0.1:4320/backend-api/";
  writeGatewayState({ ...state, backendUrl }, data);
  assert.equal(
    fs.readFileSync(gatewayStatePath(data), "utf8"),
    `4242 http://127.0.0.1:4319/v1 work 777 ${backendUrl}\n`,
  );
  assert.deepEqual(readGatewayState(data), { ...state, backendUrl });
  writeGatewayState(state, data);
  assert.equal(fs.readFileSync(gatewayStatePath(data), "utf8"), "4242 http://127.0.0.1:4319/v1 work 777 -\n");
  assert.deepEqual(readGatewayState(data), { ...state, backendUrl: undefined });
});

test("readGatewayState counts only an https:// backend", () => {
  const data = tempDir();
  fs.mkdirSync(path.dirname(gatewayStatePath(data)), { recursive: true });
  for (const [field, expected] of [
    ["https://127.0.0.1:4320/backend-api/", "https://127.0.0.1:4320/backend-api/"],
    ["http://127.0.0.1:4320/backend-api/", undefined],
    ["-", undefined],
    ["", undefined],
  ] as const) {
    const line = `4242 http://127.0.0.1:4319/v1 work 777 ${field}`.trimEnd();
    fs.writeFileSync(gatewayStatePath(data), `${line}\n`);
    assert.equal(readGatewayState(data)?.backendUrl, expected, line);
  }
});
