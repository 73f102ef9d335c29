import fs from "node:fs";
import path from "node:path";

/**
 * The path generated scripts call cao by: the script this process was started
 * as (`cao` on PATH, as npm links it), so shell code keeps working whatever
 * PATH becomes. When that file is not executable (a checkout run as
 * `node dist/cli.js`), the bare name `cao` is used and looked up at call time.
 */
export function caoExecutablePath(argv1 = process.argv[1]): string {
  // On Windows argv[1] is dist/cli.js, which PowerShell would open rather than
  // run; npm's `cao.cmd`/`cao.ps1` on PATH are what run it.
  if (!argv1 || process.platform === "win32") return "cao";
  const file = path.resolve(argv1);
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    return "cao";
  }
}
