import { execFile } from "node:child_process";
import { findRealCodex } from "../../core/codex-binary.js";
import { parseCodexVersion, TESTED_CODEX, versionVerdict } from "../../core/codex-versions.js";
import type { DoctorCheck, DoctorIssue } from "./types.js";

/** `codex --version` of an npm install starts node and then the native binary; generous for a busy machine. */
const VERSION_TIMEOUT_MS = 15_000;

export function codexVersionText(file: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, ["--version"], { env, timeout: VERSION_TIMEOUT_MS }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    );
  });
}

/** The real codex is found, and its version is inside the range cao is tested against. */
export const codexBinaryCheck: DoctorCheck = async ({ env }) => {
  let file: string;
  try {
    file = findRealCodex(undefined, env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [{ account: null, severity: "error", code: "codex-missing", message }];
  }
  const range = `cao is tested with ${TESTED_CODEX.oldest} to ${TESTED_CODEX.newest}`;
  let text: string;
  try {
    text = await codexVersionText(file, env);
  } catch (error) {
    const cause = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return [
      versionIssue("warning", "codex-version-unknown", `${file} --version failed (${cause}); ${range}`),
    ];
  }
  const version = parseCodexVersion(text);
  if (!version) {
    return [
      versionIssue(
        "warning",
        "codex-version-unknown",
        `${file} --version printed ${JSON.stringify(text)}; ${range}`,
      ),
    ];
  }
  const shown = `codex ${version.join(".")} (${file})`;
  switch (versionVerdict(version)) {
    case "too-old":
      return [
        versionIssue(
          "error",
          "codex-too-old",
          `${shown} is older than the oldest supported ${TESTED_CODEX.oldest}: upgrade it (npm install -g @openai/codex)`,
        ),
      ];
    case "untested":
      return [versionIssue("warning", "codex-untested", `${shown} is untested: ${range}`)];
    default:
      return [versionIssue("info", "codex-version", `${shown}: ${range}`)];
  }
};

function versionIssue(severity: DoctorIssue["severity"], code: string, message: string): DoctorIssue {
  return { account: null, severity, code, message };
}
