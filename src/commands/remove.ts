import { defineCommand } from "citty";
import { removeAccount, requireRegistered } from "../accounts/remove.js";
import { usageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { loadRegistry } from "../core/registry.js";
import { log } from "../terminal/log.js";
import { printJson } from "../terminal/stdout.js";

export default defineCommand({
  meta: { name: "remove", description: "Remove accounts (never logs them out server-side)" },
  args: {
    name: { type: "positional", description: "Account name (several may be given)", required: true },
    "keep-files": { type: "boolean", description: "Keep the account's directory and tokens on disk" },
    yes: { type: "boolean", alias: "y", description: "Do not ask before deleting the tokens" },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    // Every name given counts (`cao remove a b` removes both); all are checked before anything is removed.
    const given = args._.length > 0 ? args._.map(String) : [String(args.name)];
    const names = [...new Set(given)].map((name) => requireRegistered(name));
    const keepFiles = Boolean(args["keep-files"]);
    const chosen: string[] = [];
    for (const name of names) {
      const answer = keepFiles || args.yes ? "yes" : await confirmDeletion(name);
      if (answer === "interrupted") return;
      if (answer === "yes") chosen.push(name);
    }
    const removed: { account: string; deletedHome: string | null; keptHome: string | null }[] = [];
    let defaultAccount: string | null = null;
    for (const name of chosen) {
      const result = removeAccount(name, keepFiles);
      const files = result.keptHome
        ? `kept its files in ${result.keptHome}`
        : `deleted ${result.deletedHome}`;
      const fallback = result.newDefault ? `default is now ${result.newDefault}` : "no default account now";
      await log.success(`removed ${name}; ${files}; ${fallback}`);
      removed.push({
        account: name,
        deletedHome: result.deletedHome ?? null,
        keptHome: result.keptHome ?? null,
      });
      defaultAccount = result.newDefault ?? null;
    }
    if (args.json) {
      printJson({ removed, defaultAccount: chosen.length ? defaultAccount : loadRegistry().default_account });
    }
  },
});

/** A "no" skips that account quietly (exit 0); Ctrl-C stops the command with 130. */
async function confirmDeletion(name: string): Promise<"yes" | "no" | "interrupted"> {
  if (!process.stdin.isTTY) {
    throw usageError(
      `refusing to delete ${name}'s tokens without confirmation (stdin is not a terminal)`,
      "pass --yes to delete, or --keep-files to keep them",
    );
  }
  const ok = await log.prompt<boolean | symbol>(`Delete account ${name} and its login tokens?`, {
    type: "confirm",
    initial: false,
    cancel: "symbol",
  });
  if (ok === true) return "yes";
  await log.info(`${name} not removed`);
  if (typeof ok !== "symbol") return "no";
  process.exitCode = ExitCode.interrupted;
  return "interrupted";
}
