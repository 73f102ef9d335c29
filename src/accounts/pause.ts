import { validateAccountName } from "../core/account-name.js";
import { loadRegistry, requireAccount } from "../core/registry.js";
import { updateSetting } from "../core/settings.js";

/**
 * `cao pause NAME` / `cao unpause NAME`: `accounts.NAME.paused` in cao.toml.
 * A running gateway sees it at its next pick; sessions on the account move
 * off at their next turn. Returns the line to print.
 */
export function setPaused(rawName: string, paused: boolean): string {
  const name = validateAccountName(rawName);
  requireAccount(loadRegistry(), name);
  updateSetting(`accounts.${name}.paused`, paused ? true : undefined);
  return paused
    ? `${name} is paused: the gateway and \`cao run\` will not pick it (sessions on it move at their next turn)`
    : `${name} is back in the pool`;
}
