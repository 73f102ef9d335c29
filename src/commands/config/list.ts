import { defineCommand } from "citty";
import { loadRegistry } from "../../core/registry.js";
import { listSettings, loadSettings } from "../../core/settings.js";
import { printJson, printOut } from "../../terminal/stdout.js";

export default defineCommand({
  meta: { name: "list", description: "Every setting with its value and what it does" },
  args: { json: { type: "boolean", description: "As JSON: [{key, value, doc}]" } },
  async run({ args }) {
    const rows = listSettings(loadSettings(), loadRegistry().accounts);
    if (args.json) return printJson(rows);
    const width = Math.max(...rows.map((r) => `${r.key} = ${r.value}`.length));
    printOut(rows.map((r) => `${`${r.key} = ${r.value}`.padEnd(width)}  # ${r.doc}`).join("\n"));
  },
});
