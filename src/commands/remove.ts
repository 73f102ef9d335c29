import { defineCommand } from "citty";
import { removeAccount, requireRegistered } from "../accounts/remove.js";
import { usageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { log } from "../terminal/log.js";
import { printJson } from "../terminal/stdout.js";

export default defineCommand({
  meta: { name: "remove", description: "Remove an account (never logs it out server-side)" },
  args: {
    name: { type: "positional", description: "Account name", required: true },
    "keep-files": { type: "boolean", description: "Keep the account's directory and tokens on disk" },
    yes: { type: "boolean", alias: "y", description: "Do not ask before deleting the tokens" },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    const name = requireRegistered(String(args.name));
    const keepFiles = Boolean(args["keep-files"]);
    if (!keepFiles && !args.yes && !(await confirmDeletion(name))) return;
    const result = removeAccount(name, keepFiles);
    const files = result.keptHome ? `kept its files in ${result.keptHome}` : `deleted ${result.deletedHome}`;
    const fallback = result.newDefault ? `default is now ${result.newDefault}` : "no default account now";
    await log.success(`removed ${name}; ${files}; ${fallback}`);
    if (args.json) {
      printJson({
        account: name,
        deletedHome: result.deletedHome ?? null,
        keptHome: result.keptHome ?? null,
        defaultAccount: result.newDefault ?? null,
      });
    }
  },
});

/** Whether the user said yes; a "no" ends the command quietly (exit 0), Ctrl-C with 130. */
async function confirmDeletion(name: string): Promise<boolean> {
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
  if (ok === true) return true;
  await log.info("nothing removed");
  if (typeof ok === "symbol") {
    process.exitCode = ExitCode.interrupted;
  }
  return false;
}
