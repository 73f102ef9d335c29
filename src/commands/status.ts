import { defineCommand } from "citty";
import { loadSnapshot } from "../core/account-view.js";
import { usageError } from "../core/errors.js";
import { dataDir } from "../core/paths.js";
import { runLiveView } from "../pool/live-screen.js";
import { runDoctorCommand } from "../status/doctor-command.js";
import { reportJson, reportMarkdown } from "../status/report.js";
import { showStatus } from "../status/show.js";
import { printJson, printOut } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "status",
    description: "Show every account's login, quota and health (dashboard on a terminal, compact otherwise)",
  },
  args: {
    compact: { type: "boolean", description: "One line per account" },
    full: { type: "boolean", description: "Every field, one per line" },
    pretty: { type: "boolean", description: "The dashboard, even when not on a terminal" },
    json: { type: "boolean", description: "Machine-readable output (stable shape, see README)" },
    watch: {
      type: "boolean",
      description: "Live view, refreshed in place (also `cao top`); q or Ctrl-C quits",
    },
    doctor: { type: "boolean", description: "Health checks; exit 0 ok, 1 warnings, 2 errors" },
    report: { type: "string", description: "A report: md (default) or json" },
    "expires-within-hours": {
      type: "string",
      description: "Doctor: warn when a token expires within this many hours (default 24)",
    },
    "max-failures": {
      type: "string",
      description: "Doctor: warn at this many consecutive failures (default 3)",
    },
  },
  async run({ args }) {
    if (args.watch) {
      await runLiveView(dataDir());
      return;
    }
    if (args.doctor) {
      await runDoctorCommand({
        json: Boolean(args.json),
        expiresWithinHours: args["expires-within-hours"],
        maxFailures: args["max-failures"],
      });
      return;
    }
    if (args.report !== undefined) {
      const format = args.report === "" ? "md" : args.report;
      if (format === "json") printJson(reportJson(loadSnapshot()));
      else if (format === "md") printOut(reportMarkdown(loadSnapshot()));
      else {
        throw usageError(`unknown report format ${JSON.stringify(format)}`, "use md or json");
      }
      return;
    }
    await showStatus({
      compact: Boolean(args.compact),
      full: Boolean(args.full),
      pretty: Boolean(args.pretty),
      json: Boolean(args.json),
    });
  },
});
