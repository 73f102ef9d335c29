import { printJson, printOut } from "../cli/output.js";
import { snapshotJson } from "./json.js";
import { loadSnapshot } from "./model.js";
import { type RenderChoice, renderStatus } from "./render.js";

export interface ViewChoice extends RenderChoice {
  json: boolean;
}

/**
 * Prints `cao status` in the chosen view (everything but --doctor and --report).
 * Static imports: each dynamic import is one more sequential load on the
 * start-up path.
 */
export async function showStatus(choice: ViewChoice): Promise<void> {
  const snapshot = loadSnapshot();
  if (choice.json) {
    printJson(snapshotJson(snapshot));
    return;
  }
  printOut(renderStatus(snapshot, choice));
}
