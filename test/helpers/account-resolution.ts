import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./cli.js";

/** One case of test/fixtures/account-resolution.json (its "about" says what the fields mean). */
export interface ResolutionCase {
  name: string;
  env?: { CAO_ACCOUNT?: string };
  default?: string;
  pins?: Record<string, string>;
  pinDirectories?: string[];
  cwd: string;
  expect:
    | { account: string; source: "shell" | "pin" | "default"; pin?: string }
    | { invalid: true }
    | { none: true };
}

const table = JSON.parse(
  fs.readFileSync(path.join(repoRoot, "test/fixtures/account-resolution.json"), "utf8"),
) as { accounts: string[]; cases: ResolutionCase[] };

/** The accounts every case's world has (their homes exist in the data dir). */
export const RESOLUTION_ACCOUNTS: readonly string[] = table.accounts;
export const RESOLUTION_CASES: readonly ResolutionCase[] = table.cases;

/** Writes the case's pins (and .cao-account directories) under `root`; returns the absolute cwd. */
export function layOutCase(root: string, testCase: ResolutionCase): string {
  const cwd = path.join(root, testCase.cwd);
  fs.mkdirSync(cwd, { recursive: true });
  for (const [dir, content] of Object.entries(testCase.pins ?? {})) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.writeFileSync(path.join(root, dir, ".cao-account"), content);
  }
  for (const dir of testCase.pinDirectories ?? []) {
    fs.mkdirSync(path.join(root, dir, ".cao-account"), { recursive: true });
  }
  return cwd;
}

/** The account whose home codex should get, or "invalid" / "none". */
export function expectedOutcome(testCase: ResolutionCase): string {
  const expect = testCase.expect;
  if ("invalid" in expect) return "invalid";
  if ("none" in expect) return "none";
  return expect.account;
}
