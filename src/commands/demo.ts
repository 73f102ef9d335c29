import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "demo",
    description: "Watch a Codex session outlive an account's quota (simulated backend, no real account)",
  },
  args: {
    scripted: { type: "boolean", description: "Use the built-in scripted client instead of the codex CLI" },
  },
  async run({ args }) {
    const { runDemo } = await import("../demo/demo.js");
    const { printOut } = await import("../terminal/stdout.js");
    process.exitCode = await runDemo({ scripted: Boolean(args.scripted), print: printOut });
  },
});
