import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot, runProcess } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const PROCESSES = 24;
const UPDATES_EACH = 8;

// Each process bumps a shared counter and its own account's counter; any lost
// update (a read-modify-write that raced) shows up as a short count.
const worker = (dist: string) => `
import { updateAccountStatus } from ${JSON.stringify(path.join(dist, "core/status-update.js"))};
import { updateRegistry } from ${JSON.stringify(path.join(dist, "core/registry.js"))};
const [dir, me] = process.argv.slice(2);
// A lock wait that times out (exit code 5) changed nothing, so trying again loses nothing; it only
// happens when the machine is so busy that holders are off the CPU for seconds. Counted on stdout.
let lockTimeouts = 0;
const retrying = (update) => {
  for (;;) {
    try {
      return update();
    } catch (error) {
      if (error?.exitCode !== 5) throw error;
      lockTimeouts++;
    }
  }
};
const bump = (s) => ({ ...s, consecutiveFailures: (s.consecutiveFailures ?? 0) + 1 });
for (let i = 0; i < ${UPDATES_EACH}; i++) {
  retrying(() => updateAccountStatus("shared", bump, dir));
  retrying(() => updateAccountStatus(me, bump, dir));
}
retrying(() => updateRegistry((r) => { r.accounts.push(me); }, dir));
console.log(lockTimeouts);
`;

test(`${PROCESSES} cao processes updating the store at once lose nothing`, async () => {
  const dir = tempDir();
  const script = path.join(dir, "worker.mjs");
  fs.writeFileSync(script, worker(path.join(repoRoot, "dist")));
  const data = path.join(dir, "data");
  const results = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => runProcess(process.execPath, [script, data, `acct${i}`])),
  );
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const lockTimeouts = results.reduce((sum, r) => sum + Number(r.stdout.trim()), 0);
  if (lockTimeouts > 0)
    console.log(`${lockTimeouts} lock wait(s) timed out and were retried (a busy machine)`);
  const statuses = JSON.parse(fs.readFileSync(path.join(data, "account_status.json"), "utf8")).statuses;
  assert.equal(statuses.shared.consecutiveFailures, PROCESSES * UPDATES_EACH);
  for (let i = 0; i < PROCESSES; i++) assert.equal(statuses[`acct${i}`].consecutiveFailures, UPDATES_EACH);
  const registry = JSON.parse(fs.readFileSync(path.join(data, "registry.json"), "utf8"));
  assert.equal(registry.accounts.length, PROCESSES);
  assert.deepEqual(fs.readdirSync(path.join(data, ".locks")), [], "every lock was released");
});
