import { defineCommand } from "citty";
import { codexArgs } from "../../run/codex-args.js";
import { runPoolResume } from "../../run/resume-call.js";

/** The codex wrappers and shims run this for a call with a `resume` word in it (docs/tui.md). */
export default defineCommand({
  meta: {
    name: "resume",
    description: "Run codex with `resume --last` or the picker chosen across the pool (codex args after --)",
  },
  args: { codex: { type: "string", description: "Path of the real codex binary", required: true } },
  async run({ args }) {
    process.exitCode = await runPoolResume(String(args.codex), codexArgs.passthrough);
  },
});
