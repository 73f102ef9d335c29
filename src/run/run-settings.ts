import fs from "node:fs";
import { settingsPath } from "../core/paths.js";
import { defaultSettings, type Settings } from "../core/pool-policy.js";

/** cao.toml for one `cao run`; the TOML parser loads only when the file exists (start-up budget). */
export async function loadRunSettings(): Promise<Settings> {
  if (!fs.existsSync(settingsPath())) return defaultSettings();
  return (await import("../core/settings.js")).loadSettings();
}
