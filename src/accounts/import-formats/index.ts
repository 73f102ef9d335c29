import type { ForeignFormat } from "../import-foreign.js";
import { caam } from "./caam.js";
import { ccs, cliProxyApi } from "./cliproxyapi.js";
import { codexAuthRegistry } from "./codex-auth-registry.js";
import { codexMultiAuth } from "./codex-multi-auth.js";
import { prodex } from "./prodex.js";

/** Every other tool `cao import` reads, by its subcommand. */
export const FOREIGN_FORMATS: Record<string, ForeignFormat> = Object.fromEntries(
  [cliProxyApi, ccs, codexMultiAuth, codexAuthRegistry, caam, prodex].map((f) => [f.id, f]),
);
