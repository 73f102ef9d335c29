import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { runCao } from "../helpers/cli.js";
import { eventually, gatewayWorld, type NamedAccount } from "../helpers/gateway.js";

/** `.state/pool`, the prompt's pool figure, written where the real gateway and `cao pause` write their state. */

const accounts: NamedAccount[] = [
  { name: "one", accountId: "pp-one", email: "one@example.com", usedPercent: 20, percentPerRequest: 10 },
  { name: "two", accountId: "pp-two", email: "two@example.com", usedPercent: 60, percentPerRequest: 0 },
];

const poolFigure = (dir: string) => {
  const file = path.join(dir, ".state", "pool");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split(" ")[0] : undefined;
};

test("the gateway's observations and `cao pause` keep the prompt's pool figure equal to `cao status`'s", async () => {
  const w = await gatewayWorld(accounts);
  const statusHeadroom = async () => {
    const status = await runCao(["status", "--json"], { env: w.world.env });
    assert.equal(status.code, 0, status.stderr);
    return String(JSON.parse(status.stdout).pool.headroomPercent);
  };
  const promptPool = async () => (await runCao(["prompt", "--pool"], { env: w.world.env })).stdout;

  await w.gateway.context.usage.checkAll();
  // 80 + 40 points left of 200.
  await eventually(() => poolFigure(w.dir) === "60");
  assert.equal(await statusHeadroom(), "60");
  assert.equal(await promptPool(), "pool 60%\n");

  // An answer's headers move one to 30%: 70 + 40 of 200.
  assert.equal((await w.post("one", { session: "s" })).status, 200);
  await eventually(() => poolFigure(w.dir) === "55");
  assert.equal(await statusHeadroom(), "55");

  const paused = await runCao(["pause", "one"], { env: w.world.env });
  assert.equal(paused.code, 0, paused.stderr);
  assert.equal(poolFigure(w.dir), "40", "two alone: 40 of 100");
  assert.equal(await statusHeadroom(), "40");
  assert.equal(await promptPool(), "pool 40%\n");
});
