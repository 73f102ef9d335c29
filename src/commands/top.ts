import { defineCommand } from "citty";
import { dataDir } from "../core/paths.js";
import { runLiveView } from "../pool/live-screen.js";

export default defineCommand({
  meta: {
    name: "top",
    description: "Live view of the pool (same as `cao status --watch`); q or Ctrl-C quits",
  },
  async run() {
    await runLiveView(dataDir());
  },
});
