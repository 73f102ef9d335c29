import { defineCommand } from "citty";
import { addAccount } from "../accounts/add.js";
import { reloginAccount } from "../accounts/relogin.js";
import { accountsWithSameLogin } from "../accounts/same-login.js";
import { accountSummary } from "../core/account-json.js";
import { usageError } from "../core/errors.js";
import { log } from "../terminal/log.js";
import { printJson } from "../terminal/stdout.js";

export default defineCommand({
  meta: { name: "add", description: "Add an account: create its CODEX_HOME and run `codex login` in it" },
  args: {
    name: { type: "positional", description: "Account name", required: true },
    login: { type: "boolean", default: true, description: "Run `codex login` (--no-login skips it)" },
    "device-auth": { type: "boolean", description: "Log in with a device code instead of a browser" },
    codex: { type: "string", description: "Path of the codex binary to use" },
    relogin: { type: "boolean", description: "Log an existing account in again (e.g. after its login died)" },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    if (args.relogin) {
      if (args.login === false) throw usageError("--relogin and --no-login contradict each other");
      const name = String(args.name);
      await reloginAccount({ name, deviceAuth: Boolean(args["device-auth"]), codexPath: args.codex });
      await log.success(`${name} is logged in again`);
      await warnSameLogin(name);
      if (args.json) await printAccount(name);
      return;
    }
    const result = await addAccount({
      name: String(args.name),
      login: args.login !== false,
      deviceAuth: Boolean(args["device-auth"]),
      codexPath: args.codex,
    });
    const isDefault = result.isDefault ? "; it is the default account" : "";
    await log.success(`added ${result.name}${result.loggedIn ? " (logged in)" : ""}${isDefault}`);
    if (!result.loggedIn) await log.info(`log in later with: cao add ${result.name} --relogin`);
    else await warnSameLogin(result.name);
    if (args.json) await printAccount(result.name);
  },
});

async function printAccount(name: string): Promise<void> {
  printJson({ account: accountSummary(name) });
}

/** Logging the same ChatGPT user into two accounts adds no quota; say so right away. */
async function warnSameLogin(name: string): Promise<void> {
  const twins = accountsWithSameLogin(name);
  if (twins.length === 0) return;
  await log.warn(`${name} is logged in to the same ChatGPT account as ${twins.join(", ")}: it adds no quota`);
}
