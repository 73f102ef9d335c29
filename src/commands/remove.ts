import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "remove", description: "Remove an account (never logs it out server-side)" },
  args: {
    name: { type: "positional", description: "Account name", required: true },
    "keep-files": { type: "boolean", description: "Keep the account's directory and tokens on disk" },
    yes: { type: "boolean", alias: "y", description: "Do not ask before deleting the tokens" },
  },
  async run({ args }) {
    const { removeAccount, requireRegistered } = await import("../accounts/remove.js");
    const { log } = await import("../terminal/log.js");
    const name = requireRegistered(String(args.name));
    const keepFiles = Boolean(args["keep-files"]);
    if (!keepFiles && !args.yes && !(await confirmDeletion(name))) return;
    if (!keepFiles) await stopDaemon(name);
    const result = removeAccount(name, keepFiles);
    const files = result.keptHome ? `kept its files in ${result.keptHome}` : `deleted ${result.deletedHome}`;
    const fallback = result.newDefault ? `default is now ${result.newDefault}` : "no default account now";
    await log.success(`removed ${name}; ${files}; ${fallback}`);
  },
});

/**
 * A Codex TUI used this account: its app-server daemon still runs in the home about to be deleted,
 * holding the login (docs/tui.md). Stop it first, and say so.
 */
async function stopDaemon(name: string): Promise<void> {
  const [{ stopCodexDaemon }, { findRealCodex }, { accountDir }, { log }] = await Promise.all([
    import("../core/codex-daemon.js"),
    import("../core/codex-binary.js"),
    import("../core/paths.js"),
    import("../terminal/log.js"),
  ]);
  let bin: string | undefined;
  try {
    bin = findRealCodex();
  } catch {
    bin = undefined; // no codex on PATH: the daemon is stopped by its pid
  }
  if (await stopCodexDaemon(bin, accountDir(name), process.env))
    await log.info(`stopped ${name}'s Codex app-server daemon (a Codex TUI had used this account)`);
}

/** Whether the user said yes; a "no" ends the command quietly (exit 0), Ctrl-C with 130. */
async function confirmDeletion(name: string): Promise<boolean> {
  const { usageError } = await import("../core/errors.js");
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
  if (ok === true) return true;
  await log.info("nothing removed");
  if (typeof ok === "symbol") {
    const { ExitCode } = await import("../core/exit-codes.js");
    process.exitCode = ExitCode.interrupted;
  }
  return false;
}
