import { defineCommand } from "citty";

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
    const { parseSince, renderUsage, usageJson } = await import("../pool/usage-view.js");
    const { loadPoolModel } = await import("../pool/pool-model.js");
    const { dataDir } = await import("../core/paths.js");
    const { printJson, printOut } = await import("../terminal/stdout.js");
    const since = args.since === undefined ? 86_400_000 : parseSince(String(args.since));
    if (since === undefined) {
      const { usageError } = await import("../core/errors.js");
      throw usageError(
        `--since ${JSON.stringify(args.since)} is not a duration like 30m, 12h, 7d (at most 28d)`,
      );
    }
    const model = await loadPoolModel(dataDir());
    if (args.json) printJson(usageJson(model, since));
    else printOut(renderUsage(model, since, process.stdout.columns || 100));
  },
});
