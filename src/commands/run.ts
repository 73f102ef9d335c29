import { defineCommand } from "citty";
import { codexArgs } from "../run/codex-args.js";
import { runCaoRun } from "../run/run-command.js";

export default defineCommand({
  meta: {
    name: "run",
    description: "Run codex, moving on to the next account when one runs out of quota (codex args after --)",
  },
  args: {
    account: { type: "string", description: "Start with this account (default: the one codex uses here)" },
    fallback: {
      type: "boolean",
      default: true,
      description: "Move on to the next account on a usage limit (--no-fallback: this account only)",
    },
    "max-passes": {
      type: "string",
      description: "Passes over the accounts when all are out of quota (default 2)",
    },
    "retry-delay": { type: "string", description: "Seconds to wait between passes (default 0)" },
    codex: { type: "string", description: "Path of the real codex binary" },
    gateway: { type: "boolean", description: "Run codex once through the running gateway instead" },
  },
  async run({ args }) {
    await runCaoRun(args, codexArgs.passthrough);
  },
});
