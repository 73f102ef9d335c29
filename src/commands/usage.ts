import { defineCommand } from "citty";
import { usageError } from "../core/errors.js";
import { dataDir } from "../core/paths.js";
import { loadPoolModel } from "../pool/pool-model.js";
import { parseSince, renderUsage, usageJson } from "../pool/usage-view.js";
import { printJson, printOut } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "usage",
    description:
      "Usage history per account (5-hour and weekly windows, resets marked) and when the pool runs out",
  },
  args: {
    since: {
      type: "string",
      description: "How far back to chart: 30m, 12h, 7d, 2w (default 24h, at most 28d)",
    },
    json: { type: "boolean", description: "Machine-readable output (stable shape, see docs/pool.md)" },
  },
  async run({ args }) {
    const since = args.since === undefined ? 86_400_000 : parseSince(String(args.since));
    if (since === undefined) {
      throw usageError(
        `--since ${JSON.stringify(args.since)} is not a duration like 30m, 12h, 7d (at most 28d)`,
      );
    }
    const model = await loadPoolModel(dataDir());
    if (args.json) printJson(usageJson(model, since));
    else printOut(renderUsage(model, since, process.stdout.columns || 100));
  },
});
