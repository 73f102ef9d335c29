import type { DoctorCheck } from "./types.js";

export const codexBinaryCheck: DoctorCheck = async ({ env }) => {
  const { findRealCodex } = await import("../../core/codex-binary.js");
  try {
    findRealCodex(undefined, env);
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [{ account: null, severity: "error", code: "codex-missing", message }];
  }
};
