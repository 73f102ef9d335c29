import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { backupStamp, isBackupName, listBackups, writeBackup } from "../../src/core/backup-file.js";
import { tempDir } from "../helpers/temp.js";

test("backup names are FILE.cao-backup-STAMP with a UTC stamp that sorts by age", () => {
  assert.equal(backupStamp(new Date("2026-12-03T13:05:09.042Z")), "20261203T130509042Z");
  assert.ok(isBackupName("config.toml.cao-backup-20261203T130509042Z", "backup"));
  assert.ok(isBackupName("registry.json.cao-corrupt-20261203T130509042Z-1", "corrupt"));
  assert.ok(!isBackupName("config.toml.cao-backup-20261203T130509042Z", "corrupt"));
  assert.ok(!isBackupName("config.toml.cao-backup-1733231109042", "backup"), "the old epoch-ms form");
});

test("repeated backups of one file keep only the newest, 0600, and none are lost within one millisecond", () => {
  const dir = tempDir();
  const file = path.join(dir, ".bashrc");
  const made = ["one", "two", "three"].map((content) => writeBackup(file, content, "backup"));
  assert.equal(new Set(made).size, 3, `distinct names: ${made.join(" ")}`);
  const left = listBackups(file, "backup");
  assert.deepEqual(left, [made[2]], `left: ${fs.readdirSync(dir).join(" ")}`);
  assert.equal(fs.readFileSync(left[0]!, "utf8"), "three");
  assert.equal(fs.statSync(left[0]!).mode & 0o777, 0o600);
});

test("corrupt copies are kept, one per distinct content, and never pruned", () => {
  const dir = tempDir();
  const file = path.join(dir, "registry.json");
  const first = writeBackup(file, "{bad", "corrupt");
  assert.equal(writeBackup(file, "{bad", "corrupt"), first, "the same content is not copied twice");
  const second = writeBackup(file, "{worse", "corrupt");
  assert.deepEqual(listBackups(file, "corrupt").sort(), [first, second].sort());
  writeBackup(file, "fine", "backup");
  assert.equal(listBackups(file, "corrupt").length, 2, "a backup does not prune corrupt copies");
});

test("backups named the way older versions of cao named them are pruned with the rest", () => {
  const dir = tempDir();
  const file = path.join(dir, "config.toml");
  const legacy = [
    "config.toml.cao-backup-1733231109042",
    "config.toml.cao-backup-2026-12-03T13-05-09-042Z",
    "config.toml.bak-2026-12-03T13-05-09-042Z",
  ];
  for (const name of [
    ...legacy,
    "config.toml.corrupt-2026-12-03T13-05-09-042Z",
    "other.toml.cao-backup-1733231109042",
  ]) {
    fs.writeFileSync(path.join(dir, name), "old");
  }
  const made = writeBackup(file, "new", "backup");
  assert.deepEqual(
    fs.readdirSync(dir).sort(),
    [
      path.basename(made),
      "config.toml.corrupt-2026-12-03T13-05-09-042Z",
      "other.toml.cao-backup-1733231109042",
    ].sort(),
    "only this file's backups go; corrupt copies and other files' backups stay",
  );
});
