import { defineCommand } from "citty";
import { runDemo } from "../demo/demo.js";
import { printOut } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "demo",
    description: "Watch a Codex session outlive an account's quota (simulated backend, no real account)",
  },
  args: {
    scripted: { type: "boolean", description: "Use the built-in scripted client instead of the codex CLI" },
  },
  async run({ args }) {
    process.exitCode = await runDemo({ scripted: Boolean(args.scripted), print: printOut });
  },
});
