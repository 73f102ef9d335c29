import fs from "node:fs";
import { dataDir, settingsPath } from "./paths.js";
import { defaultSettings, type Settings } from "./pool-policy.js";

/**
 * cao.toml for a short-lived command: the TOML parser (~40 ms to load) is
 * loaded only when the file exists, so `cao run` and `cao status` without one
 * stay on their start-up budget.
 */
export async function loadSettingsIfAny(dir = dataDir()): Promise<Settings> {
  if (!fs.existsSync(settingsPath(dir))) return defaultSettings();
  return (await import("./settings.js")).loadSettings(dir);
}
