import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { AccountJson } from "../../src/core/account-json.js";
import { authText } from "../helpers/auth-fixture.js";
import { runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * One JSON vocabulary across commands (docs/reference.md, "JSON output"):
 * an account object is a subset of `cao status --json`'s account (same keys,
 * same meaning); a reference to an account is `account` (a name) and a list
 * of them `accounts`; times are ISO 8601 strings in keys ending At/Until/Since,
 * never epoch ms; no synonyms for the same thing.
 */
const ACCOUNT_KEYS: readonly (keyof AccountJson)[] = [
  "name",
  "isDefault",
  "loginState",
  "loginProblem",
  "memoryOnlySince",
  "email",
  "plan",
  "accountId",
  "tokenExpiresAt",
  "lastRefreshAt",
  "lastAttemptAt",
  "lastSuccessAt",
  "lastQuotaAt",
  "cooldownUntil",
  "coolingDown",
  "consecutiveFailures",
  "lastError",
  "authProblem",
  "lastSessionMove",
  "usage",
];
const RETIRED_SYNONYMS = /^(loggedIn|primaryUsedPercent|secondaryUsedPercent|coolingDownUntilMs|.*Ms)$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function vocabularyProblems(value: unknown, where: string, problems: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      vocabularyProblems(item, `${where}[${i}]`, problems);
    });
    return problems;
  }
  if (!value || typeof value !== "object") return problems;
  for (const [key, item] of Object.entries(value)) {
    const at = `${where}.${key}`;
    if (RETIRED_SYNONYMS.test(key)) problems.push(`${at}: a synonym or epoch-ms key`);
    if (/(At|Until|Since)$/.test(key) && item !== null && !(typeof item === "string" && ISO.test(item)))
      problems.push(`${at}: ${JSON.stringify(item)} is not an ISO time`);
    if (key === "account" && item !== null && typeof item !== "string" && !isAccountObject(item))
      problems.push(`${at}: an account reference is a name or an account object`);
    if (key === "accounts" && Array.isArray(item)) {
      for (const [i, account] of item.entries()) {
        const extra = Object.keys(account as object).filter(
          (k) => !ACCOUNT_KEYS.includes(k as keyof AccountJson),
        );
        if (extra.length)
          problems.push(`${at}[${i}]: keys not in the account vocabulary: ${extra.join(", ")}`);
      }
    }
    if (key === "account" && isAccountObject(item)) {
      const extra = Object.keys(item as object).filter((k) => !ACCOUNT_KEYS.includes(k as keyof AccountJson));
      if (extra.length) problems.push(`${at}: keys not in the account vocabulary: ${extra.join(", ")}`);
    }
    vocabularyProblems(item, at, problems);
  }
  return problems;
}

const isAccountObject = (value: unknown) =>
  !!value && typeof value === "object" && "name" in (value as object);

test("every command's --json speaks one vocabulary, and account fields mean what they mean in cao status", async () => {
  const world = tempWorld();
  const env = { ...world.env, PATH: `${path.join(world.root, "bin")}:${process.env.PATH}` };
  const cao = async (...args: string[]) => {
    const result = await runCao(args, { env, cwd: world.root });
    // 1: no gateway to stop; 1 or 2: the doctor found problems (a login-less account). Never a crash or bad input.
    assert.ok(
      [0, 1, 2].includes(result.code ?? -1),
      `${args.join(" ")}: exit ${result.code}: ${result.stderr}`,
    );
    return { args, json: JSON.parse(result.stdout) as unknown };
  };
  const outputs = [
    await cao("add", "work", "--no-login", "--json"),
    await cao("add", "spare", "--no-login", "--json"),
  ];
  fs.writeFileSync(
    path.join(world.dataDir, "work", "auth.json"),
    authText({
      email: "work@example.com",
      accountId: "acc-work",
      refreshToken: "rt-work",
      expiresInSeconds: 3600,
    }),
    { mode: 0o600 },
  );
  const source = path.join(world.root, "other-codex");
  fs.mkdirSync(source);
  fs.writeFileSync(
    path.join(source, "auth.json"),
    authText({ email: "third@example.com", accountId: "acc-third", refreshToken: "rt-third" }),
    { mode: 0o600 },
  );
  outputs.push(
    await cao("import", "codex", "--source", source, "--name", "third", "--json"),
    await cao("use", "spare", "--json"),
    await cao("switch", "work", "--json"),
    await cao("use", "spare", "--json"),
    await cao("pause", "work", "--json"),
    await cao("unpause", "work", "--json"),
    await cao("import", "cliproxyapi", "--source", path.join(world.root, "no-such-dir"), "--json"),
    await cao("pin", "work", "--json"),
    await cao("pin", "--unset", "--json"),
    await cao("current", "--json"),
    await cao("list", "--json"),
    await cao("status", "--json"),
    await cao("status", "--doctor", "--json"),
    await cao("gateway", "status", "--json"),
    await cao("gateway", "stop", "--json"),
    await cao("gateway", "enable", "--shims-dir", path.join(world.root, "bin"), "--json"),
    await cao("gateway", "disable", "--shims-dir", path.join(world.root, "bin"), "--json"),
    await cao("remove", "third", "--yes", "--json"),
  );
  const problems = outputs.flatMap(({ args, json }) => vocabularyProblems(json, args.join(" ")));
  assert.deepEqual(problems, []);
  const printed = (command: string) => outputs.find((o) => o.args.join(" ").startsWith(command))?.json;
  assert.deepEqual(printed("switch work") as object, { defaultAccount: "work", notes: [] });
  assert.deepEqual(printed("pause work"), { account: "work", paused: true });
  assert.deepEqual(printed("unpause work"), { account: "work", paused: false });
  assert.ok(Array.isArray((printed("import cliproxyapi") as { sources?: unknown }).sources));

  // The same account reads the same in every command that shows it.
  const status = (outputs.find((o) => o.args.join(" ") === "status --json")?.json ?? {}) as {
    accounts: AccountJson[];
  };
  const work = status.accounts.find((a) => a.name === "work");
  assert.ok(work, JSON.stringify(status));
  const list = outputs.find((o) => o.args[0] === "list")?.json as Partial<AccountJson>[];
  const gateway = (outputs.find((o) => o.args.join(" ") === "gateway status --json")?.json ?? {}) as {
    accounts: Partial<AccountJson>[];
  };
  for (const [command, shown] of [
    ["list", list.find((a) => a.name === "work")],
    ["gateway status", gateway.accounts.find((a) => a.name === "work")],
  ] as const) {
    assert.ok(shown, `${command} shows work`);
    for (const [key, value] of Object.entries(shown)) {
      assert.deepEqual(value, work[key as keyof AccountJson], `${command}: ${key} differs from cao status`);
    }
  }
});
