import { defineCommand } from "citty";
import { loadSessions } from "../core/session-store.js";
import { findSession, renderSession, renderSessionList } from "../pool/sessions-view.js";
import { printJson, printOut } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "sessions",
    description: "Which account served each Codex session and turn, and why it moved (gateway and cao run)",
  },
  args: {
    id: {
      type: "positional",
      description: "One session (its id or a unique prefix): its turns and moves",
      required: false,
    },
    json: {
      type: "boolean",
      description: "Machine-readable output (the records as stored, see docs/pool.md)",
    },
  },
  async run({ args }) {
    const sessions = loadSessions();
    const now = Date.now();
    if (args.id) {
      const one = findSession(sessions, String(args.id));
      return args.json ? printJson(one) : printOut(renderSession(one, now));
    }
    if (args.json) printJson([...sessions].reverse());
    else printOut(renderSessionList(sessions, now));
  },
});
