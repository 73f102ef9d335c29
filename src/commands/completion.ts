import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "completion",
    description: "Print the completion script for bash, zsh, fish or powershell (commands, flags, accounts)",
  },
  args: {
    shell: { type: "positional", description: "bash, zsh, fish or powershell", required: true },
  },
  async run({ args }) {
    const { parseShell } = await import("../shell/shell-arg.js");
    const { renderCompletion } = await import("../shell/completion.js");
    process.stdout.write(await renderCompletion(parseShell(args.shell)));
  },
});
