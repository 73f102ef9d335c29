import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "remove", description: "Remove accounts (never logs them out server-side)" },
  args: {
    name: { type: "positional", description: "Account name (several may be given)", required: true },
    "keep-files": { type: "boolean", description: "Keep the account's directory and tokens on disk" },
    yes: { type: "boolean", alias: "y", description: "Do not ask before deleting the tokens" },
  },
  async run({ args }) {
    const { removeAccount, requireRegistered } = await import("../accounts/remove.js");
    const { log } = await import("../terminal/log.js");
    // Every name given counts (`cao remove a b` removes both); all are checked before anything is removed.
    const given = args._.length > 0 ? args._.map(String) : [String(args.name)];
    const names = [...new Set(given)].map((name) => requireRegistered(name));
    const keepFiles = Boolean(args["keep-files"]);
    if (!keepFiles && !args.yes) for (const name of names) await confirmDeletion(name);
    for (const name of names) {
      const result = removeAccount(name, keepFiles);
      const files = result.keptHome
        ? `kept its files in ${result.keptHome}`
        : `deleted ${result.deletedHome}`;
      const fallback = result.newDefault ? `default is now ${result.newDefault}` : "no default account now";
      await log.success(`removed ${name}; ${files}; ${fallback}`);
    }
  },
});

async function confirmDeletion(name: string): Promise<void> {
  const { CaoError, usageError } = await import("../core/errors.js");
  if (!process.stdin.isTTY) {
    throw usageError(
      `refusing to delete ${name}'s tokens without confirmation (stdin is not a terminal)`,
      "pass --yes to delete, or --keep-files to keep them",
    );
  }
  const { log } = await import("../terminal/log.js");
  const ok = await log.prompt<boolean | symbol>(`Delete account ${name} and its login tokens?`, {
    type: "confirm",
    initial: false,
    cancel: "symbol",
  });
  if (ok !== true) throw new CaoError("nothing removed", 1);
}
