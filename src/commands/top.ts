import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "top",
    description: "Live view of the pool (same as `cao status --watch`); q or Ctrl-C quits",
  },
  async run() {
    const { runLiveView } = await import("../pool/live-screen.js");
    const { dataDir } = await import("../core/paths.js");
    await runLiveView(dataDir());
  },
});
