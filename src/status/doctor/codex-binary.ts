import { findRealCodex } from "../../core/codex-binary.js";
import type { DoctorCheck } from "./types.js";

export const codexBinaryCheck: DoctorCheck = async ({ env }) => {
  try {
    findRealCodex(undefined, env);
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [{ account: null, severity: "error", code: "codex-missing", message }];
  }
};
