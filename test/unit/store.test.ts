import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { loadStatuses } from "../../src/core/account-status.js";
import { writeFileAtomic } from "../../src/core/atomic-write.js";
import { loadRegistry, updateRegistry } from "../../src/core/registry.js";
import { updateAccountStatus } from "../../src/core/status-update.js";
import { takeWarnings } from "../../src/core/warnings.js";
import { tempDir } from "../helpers/temp.js";

const mode = (file: string) => fs.statSync(file).mode & 0o777;

test("atomic writes leave no temp files and set the exact mode despite the umask", () => {
  const dir = tempDir();
  const file = path.join(dir, "auth.json");
  const previous = process.umask(0o000);
  try {
    writeFileAtomic(file, "{}", { mode: 0o600 });
  } finally {
    process.umask(previous);
  }
  assert.equal(mode(file), 0o600);
  assert.deepEqual(fs.readdirSync(dir), ["auth.json"]);
});

test("registry round-trips and keeps keys written by other versions", () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, "registry.json"),
    JSON.stringify({ default_account: "a", accounts: ["a", "b"], future_key: { x: 1 } }),
  );
  updateRegistry((r) => {
    r.accounts.push("c");
  }, dir);
  const raw = JSON.parse(fs.readFileSync(path.join(dir, "registry.json"), "utf8"));
  assert.deepEqual(raw.accounts, ["a", "b", "c"]);
  assert.deepEqual(raw.future_key, { x: 1 });
  assert.equal(mode(path.join(dir, "registry.json")), 0o600);
  assert.equal(mode(dir), 0o700);
  assert.equal(fs.readFileSync(path.join(dir, ".state/default"), "utf8"), "a\n");
});

test("every registry change rewrites .state/accounts, one name per line, for the completions", () => {
  const dir = tempDir();
  const accounts = () => fs.readFileSync(path.join(dir, ".state/accounts"), "utf8");
  updateRegistry((r) => {
    r.accounts.push("work", "side.project");
  }, dir);
  assert.equal(accounts(), "work\nside.project\n");
  updateRegistry((r) => {
    r.accounts = r.accounts.filter((a) => a !== "work");
  }, dir);
  assert.equal(accounts(), "side.project\n");
  updateRegistry((r) => {
    r.accounts = [];
  }, dir);
  assert.equal(accounts(), "");
});

test("a corrupt registry is refused with exit 3, kept as is, and copied aside once", () => {
  const dir = tempDir();
  const file = path.join(dir, "registry.json");
  fs.writeFileSync(file, '{"accounts": ["a",');
  for (let i = 0; i < 2; i++) {
    assert.throws(
      () => updateRegistry(() => undefined, dir),
      (error: Error & { exitCode?: number }) => error.exitCode === 3 && /not valid JSON/.test(error.message),
    );
  }
  assert.equal(fs.readFileSync(file, "utf8"), '{"accounts": ["a",');
  const backups = fs.readdirSync(dir).filter((n) => n.startsWith("registry.json.cao-corrupt-"));
  assert.equal(backups.length, 1);
  assert.equal(fs.readFileSync(path.join(dir, backups[0]!), "utf8"), '{"accounts": ["a",');
});

test("a registry naming an unsafe account is refused, not followed", () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, "registry.json"),
    JSON.stringify({ default_account: null, accounts: ["../../etc"] }),
  );
  assert.throws(() => loadRegistry(dir), /not a valid name/);
});

test("a corrupt status file degrades to empty with a warning and its copy is kept", () => {
  const dir = tempDir();
  const file = path.join(dir, "account_status.json");
  fs.writeFileSync(file, "not json");
  assert.deepEqual(loadStatuses(dir), {});
  assert.match(takeWarnings().join("\n"), /not valid JSON; kept a copy/);
  updateAccountStatus("a", (s) => ({ ...s, consecutiveFailures: 1 }), dir);
  const backups = fs.readdirSync(dir).filter((n) => n.startsWith("account_status.json.cao-corrupt-"));
  assert.equal(backups.length, 1);
  assert.equal(fs.readFileSync(path.join(dir, backups[0]!), "utf8"), "not json");
  assert.equal(loadStatuses(dir).a?.consecutiveFailures, 1);
});

test("status sanitizing keeps the original project's fields and drops garbage", () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, "account_status.json"),
    JSON.stringify({
      statuses: {
        a: {
          lastAttemptAtMs: 1700000000000,
          cooldownUntilMs: -5,
          consecutiveFailures: "x",
          lastError: " boom ",
          extra: 1,
        },
      },
    }),
  );
  assert.deepEqual(loadStatuses(dir).a, { lastAttemptAtMs: 1700000000000, lastError: "boom", extra: 1 });
});

test("rate limits reach the shell's usage state file", () => {
  const dir = tempDir();
  updateAccountStatus(
    "a",
    () => ({
      rateLimits: {
        observedAtMs: Date.now(),
        primary: { usedPercent: 42.4, windowMinutes: 300, resetsAtMs: 1795288866000 },
      },
    }),
    dir,
  );
  assert.equal(fs.readFileSync(path.join(dir, ".state/usage/a"), "utf8"), "42 1795288866 - -\n");
});
