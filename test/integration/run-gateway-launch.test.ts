import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { expectedLaunch, GATEWAY_LAUNCH_CASES, layOutLaunchCase } from "../helpers/gateway-launch.js";
import { fakeCodexWorld, standInGateway } from "./run-fake-codex.js";

/**
 * test/fixtures/gateway-launch.json through `cao run --gateway`, the caller of
 * gatewayCodexLaunch: the words codex gets before the call's own and the
 * variables in its environment. A dead gateway starts no codex at all.
 */
for (const testCase of GATEWAY_LAUNCH_CASES) {
  test(`cao run --gateway: ${testCase.name}`, async () => {
    const world = fakeCodexWorld(["work"]);
    const url = await standInGateway(world.dataDir);
    layOutLaunchCase(world.dataDir, testCase, url);
    const env = { ...world.env };
    delete env.CODEX_CA_CERTIFICATE;
    const result = await world.cao(["run", "--gateway", "--", "exec", "hi"], { env });
    const line = fs.readFileSync(path.join(world.dataDir, ".state/gateway"), "utf8").trim();
    const expected = expectedLaunch(testCase, world.dataDir, url);
    if (expected.args.length === 0) {
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /the gateway is not running/);
      assert.deepEqual(world.calls(), [], "codex never ran");
      return;
    }
    assert.equal(result.code, 0, result.stderr);
    const [call] = world.calls();
    const seen = { args: call?.argv, env: call?.env };
    assert.deepEqual(
      seen,
      {
        args: [...expected.args, "exec", "hi"],
        env: {
          CODEX_HOME: path.join(world.dataDir, "work"),
          CODEX_SQLITE_HOME: world.codexHome,
          CODEX_API_KEY: null,
          ...expected.env,
        },
      },
      `.state/gateway: ${line}, ca: ${testCase.ca}`,
    );
  });
}
