import { codexBinaryCheck } from "./codex-binary.js";
import { codexDaemonsCheck } from "./codex-daemons.js";
import { corruptFilesCheck } from "./corrupt-files.js";
import { cooldownCheck, failuresCheck } from "./failures.js";
import { gatewayConfigCheck } from "./gateway-config.js";
import { authProblemCheck, loginCheck } from "./login.js";
import { loginRescueCheck } from "./login-rescue.js";
import { memoryOnlyCheck } from "./memory-only.js";
import { permissionsCheck } from "./permissions.js";
import { pidFileCheck } from "./pid-file.js";
import { reservedNamesCheck } from "./reserved-names.js";
import { sharedLoginCheck } from "./shared-login.js";
import { statuslineConfigCheck } from "./statusline-config.js";
import { tokenExpiryCheck } from "./token-expiry.js";
import type { DoctorCheck } from "./types.js";

/** Every check `cao status --doctor` runs, in report order. Add new checks here. */
export const doctorChecks: DoctorCheck[] = [
  codexBinaryCheck,
  reservedNamesCheck,
  loginCheck,
  memoryOnlyCheck,
  loginRescueCheck,
  authProblemCheck,
  tokenExpiryCheck,
  failuresCheck,
  cooldownCheck,
  sharedLoginCheck,
  permissionsCheck,
  corruptFilesCheck,
  gatewayConfigCheck,
  statuslineConfigCheck,
  pidFileCheck,
  codexDaemonsCheck,
];
