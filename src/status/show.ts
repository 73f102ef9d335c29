import { loadSnapshot, markMemoryOnlyLogins, poolOf, type StatusSnapshot } from "../core/account-view.js";
import { loadSettingsIfAny } from "../core/settings-load.js";
import { stdoutIsTerminal, writeStdout } from "../terminal/stdout.js";

export interface ViewChoice {
  compact: boolean;
  full: boolean;
  pretty: boolean;
  json: boolean;
}

/**
 * Prints `cao status` in the chosen view (everything but --doctor and
 * --report): an explicit flag wins; otherwise the dashboard on a terminal and
 * compact lines in a pipe. Only the chosen renderer is loaded: on the
 * start-up path every module counts.
 */
export async function showStatus(choice: ViewChoice): Promise<void> {
  const loaded = loadSnapshot();
  // cao.toml is read only if it exists (start-up budget).
  const snapshot = { ...loaded, pool: poolOf(loaded, await loadSettingsIfAny(loaded.dataDir)) };
  await markMemoryOnlyLogins(snapshot);
  if (choice.json) {
    writeStdout(JSON.stringify((await import("../core/account-json.js")).snapshotJson(snapshot), null, 2));
  } else if (snapshot.accounts.length === 0 && !choice.pretty) {
    writeStdout("no accounts yet; add one with `cao add NAME`");
  } else if (choice.full) {
    writeStdout((await import("./full.js")).renderFull(snapshot));
  } else if (choice.pretty || (!choice.compact && (await stdoutIsTerminal()))) {
    const { painter } = await import("../terminal/colour.js");
    const columns = process.stdout.columns || 120;
    writeStdout((await import("./pretty.js")).renderPretty(snapshot, columns, painter(1)));
  } else {
    writeStdout((await import("./compact.js")).renderCompact(snapshot));
  }
  if (!choice.json) for (const line of memoryOnlyWarnings(snapshot)) writeStdout(line);
}

/** Said in every text view, whatever it shows: these logins die with the gateway unless the disk takes them. */
export function memoryOnlyWarnings(snapshot: StatusSnapshot): string[] {
  return snapshot.accounts.flatMap((a) =>
    a.memoryOnly
      ? [
          `WARNING: the login of ${a.name} lives only in the gateway's memory (${a.memoryOnly.reason}); ` +
            (a.memoryOnly.rescueFile
              ? `a rescue copy at ${a.memoryOnly.rescueFile} keeps it if the gateway stops; free disk space`
              : "no rescue copy could be written: free disk space and keep the gateway running until it is saved"),
        ]
      : [],
  );
}

const VIEW_FLAGS = ["--compact", "--full", "--pretty", "--json"];

/**
 * `cao status` with only view flags is on the start-up budget (within 1.3x of
 * `node -e 0`, see test/bench/startup.bench.ts), and loading citty and
 * resolving the command tree costs more than the whole status. The runner
 * calls this first; anything else (--help, --doctor, --report, typos) returns
 * false and goes through citty as usual.
 */
export async function tryFastStatus(args: string[]): Promise<boolean> {
  if (!args.every((arg) => VIEW_FLAGS.includes(arg))) return false;
  await showStatus({
    compact: args.includes("--compact"),
    full: args.includes("--full"),
    pretty: args.includes("--pretty"),
    json: args.includes("--json"),
  });
  return true;
}
