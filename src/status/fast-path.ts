import { showStatus } from "./show.js";

const VIEW_FLAGS = ["--compact", "--full", "--pretty", "--json"];

/**
 * `cao status` with only view flags is on the start-up budget (within 1.3x of
 * `node -e 0`, see test/bench/startup.bench.ts): loading citty and resolving
 * the command tree costs more than the whole status. Anything else (--help,
 * --doctor, --report, typos) returns false and goes through citty as usual.
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
