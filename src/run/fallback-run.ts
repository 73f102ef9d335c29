import path from "node:path";
import { type AccountStatus, isCoolingDown, loadStatuses } from "../core/account-status.js";
import { findRealCodex } from "../core/codex-binary.js";
import { codexEnv } from "../core/codex-env.js";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { accountDir } from "../core/paths.js";
import { blockReason, type Settings } from "../core/pool-policy.js";
import type { SessionEvent } from "../core/session-store.js";
import { loadSettingsIfAny } from "../core/settings-load.js";
import { isTerminal } from "../terminal/stdout.js";
import { readyAccountHome } from "./account-home.js";
import { accountOrder } from "./account-order.js";
import type { RunOptions } from "./options.js";
import { formatResetTime } from "./reset-time.js";
import { resumeArgs } from "./resume-args.js";
import type { RunVerdict } from "./run-evidence.js";
import { runCodex } from "./spawn-codex.js";

/** Before the first attempt: the session `resume --last` or the picker chose may be held by its account's daemon. */
async function releaseChosenSession(options: RunOptions, account: string, bin: string): Promise<void> {
  if (!options.chosenSession) return;
  const sessionsDir = path.join(accountDir(account), "sessions");
  await (await import("./pool-resume.js")).releaseSession(options.chosenSession, account, bin, {
    sessionsDir,
  });
}

/** The logger loads consola (~25 ms): only when there is something to say, never on a plain run. */
const say = async (level: "info" | "warn", message: string) =>
  (await import("../terminal/log.js")).log[level](message);

/**
 * `cao run`: codex on the first ready account; when a run ends because the
 * account's quota ran out, the account is marked (cooling down until the
 * reset Codex reported) and codex runs again on the next one, for up to
 * `maxPasses` passes. Returns codex's own exit status.
 */
export async function runWithFallback(options: RunOptions): Promise<number> {
  const settings = await loadSettingsIfAny();
  const order = accountOrder(options, settings);
  const bin = findRealCodex(options.codexPath);
  // Both ends on a terminal: codex gets it as it is (no pipe), detection reads the rollout only.
  const terminal = (await isTerminal(0)) && (await isTerminal(1));
  let previous: string | undefined;
  let moveReason = "";
  // The sessions record: one `cao run` is one session, each attempt a turn (its id: codex's session id).
  const record: RunRecord = { session: `run-${Date.now().toString(36)}-${process.pid}`, move: undefined };
  // After a usage limit: what the next account runs (the session resumed by id) and the move to record.
  let args = options.codexArgs;
  let moving: { sessionId: string; from: string } | undefined;
  for (let pass = 1; pass <= options.maxPasses; pass++) {
    if (pass > 1) {
      // Waiting only to skip every account again helps nobody.
      if (!anyReadyBy(order, settings, Date.now() + options.retryDelayMs)) break;
      const wait = options.retryDelayMs > 0 ? ` in ${options.retryDelayMs / 1000} s` : "";
      await say("info", `every account is out of quota; pass ${pass} of ${options.maxPasses}${wait}`);
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
    }
    for (const account of order) {
      const status: AccountStatus | undefined = loadStatuses()[account];
      if (status?.authProblem) {
        await say("warn", `skipping ${account}: it needs a new login (${status.authProblem})`);
        continue;
      }
      const blocked = blockReason(account, settings, status?.rateLimits, Date.now());
      if (blocked) {
        if (pass === 1) await say("info", `skipping ${account}: ${blocked}`);
        continue;
      }
      if (isCoolingDown(status)) {
        if (pass === 1) await say("info", `skipping ${account}: out of quota until ${until(status)}`);
        continue;
      }
      record.move = previous === undefined ? undefined : { from: previous, reason: moveReason };
      if (moving) {
        // The TUI's app-server daemon in the old home still holds the session: the next account's
        // TUI would open it read-only ("open in another app").
        const { stopCodexDaemon } = await import("../core/codex-daemon.js");
        if (await stopCodexDaemon(bin, accountDir(moving.from), process.env))
          await say("info", `stopped ${moving.from}'s Codex app-server daemon (it held the session)`);
        await say("info", `continuing session ${moving.sessionId} on ${account}`);
        (await import("./attempt-record.js")).recordSessionMove({ ...moving, to: account, atMs: Date.now() });
      } else if (previous !== undefined) await say("info", `running codex on ${account}`);
      else await releaseChosenSession(options, account, bin);
      const { exitCode, verdict } = await attempt(account, bin, args, terminal, record);
      if (verdict.ambiguous) await say("warn", `${verdict.ambiguous}; not switching accounts`);
      // Ctrl-C means stop: the account is marked, but no other one is started.
      if (!verdict.quota || exitCode === ExitCode.interrupted) return exitCode;
      const resets =
        verdict.quota.resetsAtMs === undefined
          ? ""
          : ` (resets ${formatResetTime(verdict.quota.resetsAtMs)})`;
      const what = verdict.quota.kind === "plan" ? "has no Codex in its plan" : "hit its usage limit";
      await say("warn", `${account} ${what}${resets}`);
      previous = account;
      moveReason = verdict.quota.kind === "plan" ? "no Codex in its plan" : "usage limit";
      const resumed =
        options.restart || !verdict.sessionId ? undefined : resumeArgs(options.codexArgs, verdict.sessionId);
      if (resumed && verdict.sessionId) {
        args = resumed;
        moving = { sessionId: verdict.sessionId, from: account };
      }
    }
  }
  throw exhaustedError(order, settings);
}

interface RunRecord {
  session: string;
  move: { from: string; reason: string } | undefined;
}

async function attempt(
  account: string,
  bin: string,
  args: string[],
  terminal: boolean,
  record: RunRecord,
): Promise<{ exitCode: number; verdict: RunVerdict }> {
  const home = await readyAccountHome(account);
  const startedAtMs = Date.now();
  const running = runCodex(bin, args, codexEnv(home), terminal);
  running.catch(() => {}); // handled below, after the imports; not an unhandled rejection meanwhile
  // What is only needed once codex has exited loads while it runs (off the start-up path).
  const [{ judgeRun }, { recordAttempt }, { recordSessionEvents }] = await Promise.all([
    import("./run-evidence.js"),
    import("./attempt-record.js"),
    import("../core/session-store.js"),
  ]);
  const run = await running;
  const verdict = judgeRun({
    accountHome: home,
    startedAtMs,
    endedAtMs: Date.now(),
    exitCode: run.exitCode,
    sessionId: run.watch?.sessionId,
    stderrQuota: run.watch?.quota,
  });
  try {
    recordAttempt(account, startedAtMs, run.exitCode, verdict);
  } catch (error) {
    // The status file is only a record: a full disk (or a busy lock) must not change codex's outcome.
    const { warn } = await import("../core/warnings.js");
    const { fsErrorAsCaoError } = await import("../core/fs-error.js");
    const cause =
      fsErrorAsCaoError(error)?.message ?? (error instanceof Error ? error.message : String(error));
    warn(`could not record this run of ${account} in the status file: ${cause}`);
  }
  const base = { session: record.session, source: "run", atMs: startedAtMs } as const;
  const events: SessionEvent[] = [
    ...(record.move
      ? [{ ...base, kind: "move", from: record.move.from, to: account, reason: record.move.reason } as const]
      : []),
    {
      ...base,
      kind: "serve",
      account,
      turn: run.watch?.sessionId ?? null,
      transport: "run",
      exitCode: run.exitCode,
    },
  ];
  try {
    recordSessionEvents(events);
  } catch (error) {
    // A record, not a signal: codex ran, its status stands.
    await say("warn", `could not record the session: ${error instanceof Error ? error.message : error}`);
  }
  return { exitCode: run.exitCode, verdict };
}

function anyReadyBy(order: string[], settings: Settings, atMs: number): boolean {
  const statuses = loadStatuses();
  return order.some(
    (a) =>
      !statuses[a]?.authProblem &&
      !isCoolingDown(statuses[a], atMs) &&
      !blockReason(a, settings, statuses[a]?.rateLimits, atMs),
  );
}

const until = (status: AccountStatus | undefined) => formatResetTime(status?.cooldownUntilMs ?? Date.now());

function exhaustedError(order: string[], settings: Settings): CaoError {
  const statuses = loadStatuses();
  const now = Date.now();
  const held = order.filter((a) => blockReason(a, settings, statuses[a]?.rateLimits, now));
  if (held.length === order.length) {
    return new CaoError(
      `no account may run codex: ${held.map((a) => `${a} is ${blockReason(a, settings, statuses[a]?.rateLimits, now)}`).join("; ")}`,
      ExitCode.failure,
      "`cao unpause NAME`, or lower a reserve with `cao config set accounts.NAME.reserve-weekly 0`",
    );
  }
  const cooling = order
    .filter((a) => isCoolingDown(statuses[a]))
    .sort((a, b) => (statuses[a]?.cooldownUntilMs ?? 0) - (statuses[b]?.cooldownUntilMs ?? 0));
  const first = cooling[0];
  if (first === undefined) {
    const needLogin = order.filter((a) => statuses[a]?.authProblem);
    const why = needLogin.length > 0 ? `: ${needLogin.join(", ")} need a new login` : "";
    return new CaoError(`no account could run codex${why}`, ExitCode.failure, "see `cao status`");
  }
  const all = order.length === 1 ? `${first} is` : `every account is`;
  return new CaoError(
    `${all} out of quota; the earliest reset is ${first} at ${until(statuses[first])}`,
    ExitCode.quotaExhausted,
    "try again then, or add another account with `cao add NAME`",
  );
}
