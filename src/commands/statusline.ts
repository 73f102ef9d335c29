import { defineCommand } from "citty";
import { dataDir } from "../core/paths.js";
import { statuslineConfig } from "../pool/statusline-config.js";
import { serveStatusline } from "../pool/statusline-server.js";
import { FooterReader } from "../pool/statusline-state.js";
import { caoExecutablePath } from "../shell/cao-path.js";
import { printOut } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "statusline",
    description:
      "Codex's footer status line provider (Codex 0.171+): the account serving the thread, its use, the pool's headroom",
  },
  args: {
    config: {
      type: "boolean",
      description: "Print the lines for ~/.codex/config.toml that turn it on, and exit",
    },
  },
  async run({ args }) {
    if (args.config) return printOut(statuslineConfig(caoExecutablePath()).trimEnd());
    if (process.stdin.isTTY) {
      process.stderr.write(
        "cao statusline speaks MCP on stdin/stdout for Codex; `cao statusline --config` prints how to turn it on\n",
      );
    }
    await serveStatusline(process.stdin, process.stdout, new FooterReader(dataDir()), {
      codexHome: process.env.CODEX_HOME,
    });
  },
});
