import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "list", description: "Every setting with its value and what it does" },
  args: { json: { type: "boolean", description: "As JSON: [{key, value, doc}]" } },
  async run({ args }) {
    const { listSettings, loadSettings } = await import("../../core/settings.js");
    const { loadRegistry } = await import("../../core/registry-read.js");
    const { printJson, printOut } = await import("../../terminal/stdout.js");
    const rows = listSettings(loadSettings(), loadRegistry().accounts);
    if (args.json) return printJson(rows);
    const width = Math.max(...rows.map((r) => `${r.key} = ${r.value}`.length));
    printOut(rows.map((r) => `${`${r.key} = ${r.value}`.padEnd(width)}  # ${r.doc}`).join("\n"));
  },
});
