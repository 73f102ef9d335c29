import { loadStatuses, type StatusMap } from "../core/account-status.js";
import { accountCaps, accountSettings, type Settings } from "../core/pool-policy.js";
import { loadRegistry } from "../core/registry.js";
import { loadSettingsIfAny } from "../core/settings-load.js";
import { loadHistory, type Sample, sampleOf } from "../core/usage-history.js";
import {
  type AccountForecast,
  type AccountInput,
  forecastAccount,
  forecastPool,
  type PoolForecast,
} from "./forecast.js";

/** Everything `cao usage`, the live view and the notifier show about the pool, read from the data dir only. */
export interface PoolModel {
  nowMs: number;
  settings: Settings;
  statuses: StatusMap;
  inputs: AccountInput[];
  accounts: AccountForecast[];
  pool: PoolForecast;
}

export async function loadPoolModel(dir: string, nowMs = Date.now()): Promise<PoolModel> {
  const settings = await loadSettingsIfAny(dir);
  return poolModel(dir, settings, nowMs);
}

export function poolModel(dir: string, settings: Settings, nowMs: number): PoolModel {
  const statuses = loadStatuses(dir);
  const inputs = loadRegistry(dir).accounts.map((name): AccountInput => {
    const account = accountSettings(settings, name);
    return {
      name,
      samples: withStatusSample(loadHistory(name, dir), statuses[name]?.rateLimits),
      caps: accountCaps(account),
      usable: !account.paused && !statuses[name]?.authProblem,
    };
  });
  return {
    nowMs,
    settings,
    statuses,
    inputs,
    accounts: inputs.map((input) => forecastAccount(input, nowMs)),
    pool: forecastPool(inputs, nowMs),
  };
}

/** A data dir from before the history existed still has its last observation in the status file. */
function withStatusSample(samples: Sample[], limits: StatusMap[string]["rateLimits"]): Sample[] {
  return samples.length > 0 || !limits ? samples : [sampleOf(limits)];
}
