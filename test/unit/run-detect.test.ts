import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { classifyCodexMessage } from "../../src/run/quota-signal.js";
import { formatResetTime, parseResetTime } from "../../src/run/reset-time.js";
import { rolloutEvidenceFromText } from "../../src/run/rollout-evidence.js";
import { sessionDayDirs } from "../../src/run/rollout-files.js";
import { StderrWatch } from "../../src/run/stderr-watch.js";

// Local time matters (Codex prints reset times in it); fix a zone with DST and a non-zero offset.
process.env.TZ = "America/New_York";

// Lines recorded from codex-cli 0.169.0 against a loopback backend (session_meta trimmed of its
// instructions; nothing else changed).
const REC = {
  meta: '{"timestamp":"2026-11-21T18:28:23.547Z","ordinal":0,"type":"session_meta","payload":{"account_scoped":true,"creator_user_id":"user-a","creator_account_id":"acct-a","session_id":"01a1ff5d-daf7-7700-8121-94b5d648eca8","id":"01a1ff5d-daf7-7700-8121-94b5d648eca8","timestamp":"2026-11-21T18:28:23.420Z","cwd":"/tmp","runtime_workspace_roots":["/tmp"],"originator":"codex_exec","cli_version":"0.169.0","source":"exec","thread_source":"user","model_provider":"openai","history_mode":"paginated"}}',
  limitTokens:
    '{"timestamp":"2026-11-21T18:28:23.712Z","ordinal":13,"type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"limit_id":"codex","limit_name":null,"primary":{"used_percent":100.0,"window_minutes":300,"resets_at":1795289303},"secondary":null,"credits":null,"individual_limit":null,"spend_control_reached":null,"plan_type":null,"rate_limit_reached_type":null}}}',
  limitEnd:
    '{"timestamp":"2026-11-21T18:28:23.716Z","ordinal":14,"type":"event_msg","payload":{"type":"task_complete","root_turn_id":"01a1ff5d-db6c-7d21-b4e6-182fac31e128","turn_id":"01a1ff5d-db6c-7d21-b4e6-182fac31e128","last_agent_message":null,"error":{"message":"You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at 2:28 PM.","codex_error_info":"usage_limit_exceeded"},"started_at":1795285703,"completed_at":1795285703,"duration_ms":179}}',
  okTokens:
    '{"timestamp":"2026-11-21T18:28:29.689Z","ordinal":16,"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":5,"reasoning_output_tokens":0,"total_tokens":15},"last_token_usage":{"input_tokens":10,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":5,"reasoning_output_tokens":0,"total_tokens":15},"last_usage_includes_reasoning":true,"model_context_window":258400},"rate_limits":{"limit_id":"codex","limit_name":null,"primary":{"used_percent":42.0,"window_minutes":300,"resets_at":1795289299},"secondary":null,"credits":null,"individual_limit":null,"spend_control_reached":null,"plan_type":null,"rate_limit_reached_type":null}}}',
  // The model's answer is full of quota words and even quotes Codex's message: still a success.
  okEnd:
    '{"timestamp":"2026-11-21T18:28:29.692Z","ordinal":17,"type":"event_msg","payload":{"type":"task_complete","root_turn_id":"01a1ff5d-cbdf-70e2-b8dc-67ed786f3248","turn_id":"01a1ff5d-cbdf-70e2-b8dc-67ed786f3248","last_agent_message":"Quota exceeded. You’ve hit your usage limit. Try again at 6:51 PM.","started_at":1795285699,"completed_at":1795285699,"duration_ms":138,"time_to_first_token_ms":130}}',
  planEnd:
    '{"timestamp":"2026-11-21T18:28:26.049Z","ordinal":13,"type":"event_msg","payload":{"type":"task_complete","root_turn_id":"01a1ff5d-e4b4-7542-b607-d92f80f919fe","turn_id":"01a1ff5d-e4b4-7542-b607-d92f80f919fe","last_agent_message":null,"error":{"message":"To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.","codex_error_info":"usage_limit_exceeded"},"started_at":1795285705,"completed_at":1795285706,"duration_ms":133}}',
  tomorrowEnd:
    '{"timestamp":"2026-11-21T18:28:24.923Z","ordinal":14,"type":"event_msg","payload":{"type":"task_complete","turn_id":"01a1ff5d-e047-7cb0-87e9-228291817cbc","last_agent_message":null,"error":{"message":"You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at Nov 23rd, 2026 1:28 PM.","codex_error_info":"usage_limit_exceeded"}}}',
};
const RUN_START = Date.parse("2026-11-21T18:28:23.000Z");
const local = (y: number, mo: number, d: number, h: number, mi: number) =>
  new Date(y, mo - 1, d, h, mi).getTime();

describe("parseResetTime (Codex's local-time formats)", () => {
  const printed = local(2026, 11, 21, 13, 28);
  test("a bare time is on the day Codex printed it, rounded up to the next minute", () => {
    assert.equal(parseResetTime("6:51 PM", printed), local(2026, 11, 21, 18, 52));
    assert.equal(parseResetTime("12:05 AM", local(2026, 11, 21, 0, 1)), local(2026, 11, 21, 0, 6));
    assert.equal(parseResetTime("12:30 PM", printed), local(2026, 11, 21, 12, 31) + 24 * 3600_000);
  });
  test("a bare time already past when printed rolls to the next day", () => {
    assert.equal(parseResetTime("9:15 AM", printed), local(2026, 11, 22, 9, 16));
  });
  test("the dated form with an ordinal suffix", () => {
    assert.equal(parseResetTime("Nov 23rd, 2026 6:28 PM", printed), local(2026, 11, 23, 18, 29));
    assert.equal(parseResetTime("Dec 1st, 2026 12:00 AM", printed), local(2026, 12, 1, 0, 1));
  });
  test("anything else is not a reset time", () => {
    for (const text of [
      "",
      "later",
      "18:51",
      "13:00 PM",
      "6:61 PM",
      "Feb 31st, 2026 1:00 PM",
      "Foo 3rd, 2026 1:00 PM",
      "6:51 pm",
    ]) {
      assert.equal(parseResetTime(text, printed), undefined, text);
    }
  });
  test("formatResetTime is short and local", () => {
    const now = local(2026, 11, 21, 13, 0);
    assert.equal(formatResetTime(local(2026, 11, 21, 19, 28), now), "7:28 PM");
    assert.equal(formatResetTime(local(2026, 11, 23, 6, 5), now), "Nov 23, 6:05 AM");
  });
});

describe("classifyCodexMessage", () => {
  const at = local(2026, 11, 21, 13, 28);
  test("Codex's usage-limit wording, curly or straight apostrophe, with its reset", () => {
    const curly = classifyCodexMessage(
      "You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at 6:51 PM.",
      at,
      "stderr",
    );
    assert.equal(curly?.kind, "usage-limit");
    assert.equal(curly?.resetsAtMs, local(2026, 11, 21, 18, 52));
    const straight = classifyCodexMessage("You've hit your usage limit. Try again later.", at, "stderr");
    assert.equal(straight?.kind, "usage-limit");
    assert.equal(straight?.resetsAtMs, undefined);
  });
  test("the plan message (usage_not_included)", () => {
    const plan = classifyCodexMessage(
      "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.",
      at,
      "rollout",
    );
    assert.equal(plan?.kind, "plan");
  });
  test("text that merely talks about quotas is not a signal", () => {
    for (const text of [
      "Quota exceeded. Check your plan and billing details.",
      "exceeded retry limit, last status: 429 Too Many Requests",
      "The usage limit is checked in quota.ts",
      "I see you’ve hit your usage limit before.",
      "if (usage > limit) throw new Error('quota exceeded')",
    ]) {
      assert.equal(classifyCodexMessage(text, at, "stderr"), undefined, text);
    }
  });
});

describe("StderrWatch", () => {
  test("finds the session id and Codex's ERROR line even when chunks split a character", () => {
    const watch = new StderrWatch();
    const text =
      "OpenAI Codex v0.169.0\nsession id: 01a1ff5d-daf7-7700-8121-94b5d648eca8\n--------\n" +
      "ERROR: You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at 7:28 PM.\r\n";
    const bytes = Buffer.from(text);
    const apostrophe = bytes.indexOf(Buffer.from("’"));
    watch.push(bytes.subarray(0, apostrophe + 1)); // mid-character
    watch.push(bytes.subarray(apostrophe + 1));
    watch.end();
    assert.equal(watch.sessionId, "01a1ff5d-daf7-7700-8121-94b5d648eca8");
    assert.equal(watch.quota?.kind, "usage-limit");
    assert.equal(watch.quota?.source, "stderr");
  });
  test("the message without Codex's ERROR prefix (the model quoting it) is ignored", () => {
    const watch = new StderrWatch();
    watch.push(
      Buffer.from(
        "codex\nYou’ve hit your usage limit. Try again at 6:51 PM.\n  ERROR: You’ve hit your usage limit.\n",
      ),
    );
    watch.end();
    assert.equal(watch.quota, undefined);
  });
  test("an overlong line is skipped whole, and a last line without newline still counts", () => {
    const watch = new StderrWatch();
    watch.push(Buffer.from(`${"x".repeat(5000)}`));
    watch.push(
      Buffer.from(
        " ERROR: You’ve hit your usage limit.\nERROR: To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.",
      ),
    );
    watch.end();
    assert.equal(watch.quota?.kind, "plan");
  });
});

describe("rolloutEvidenceFromText (recorded codex-cli 0.169.0 records)", () => {
  const file = "/sessions/rollout.jsonl";
  test("a turn that ended on a usage limit: reset from the exhausted window, limits kept", () => {
    const e = rolloutEvidenceFromText(
      file,
      [REC.meta, REC.limitTokens, REC.limitEnd, ""].join("\n"),
      RUN_START,
    );
    assert.equal(e.sessionId, "01a1ff5d-daf7-7700-8121-94b5d648eca8");
    assert.equal(e.creatorAccountId, "acct-a");
    assert.equal(e.turnsEnded, 1);
    assert.equal(e.quota?.kind, "usage-limit");
    assert.equal(e.quota?.source, "rollout");
    assert.equal(e.quota?.resetsAtMs, 1795289303_000, "the seconds-exact resets_at beats the printed minute");
    assert.deepEqual(e.rateLimits, {
      observedAtMs: Date.parse("2026-11-21T18:28:23.712Z"),
      primary: { usedPercent: 100, windowMinutes: 300, resetsAtMs: 1795289303_000 },
    });
  });
  test("without a rate-limit record the reset comes from Codex's message", () => {
    const e = rolloutEvidenceFromText(file, [REC.meta, REC.tomorrowEnd].join("\n"), RUN_START);
    assert.equal(e.quota?.resetsAtMs, local(2026, 11, 23, 13, 29));
  });
  test("the plan message", () => {
    const e = rolloutEvidenceFromText(file, [REC.meta, REC.planEnd].join("\n"), RUN_START);
    assert.equal(e.quota?.kind, "plan");
    assert.equal(e.quota?.resetsAtMs, undefined);
  });
  test("a successful turn whose answer talks about quotas is no signal", () => {
    const e = rolloutEvidenceFromText(file, [REC.meta, REC.okTokens, REC.okEnd].join("\n"), RUN_START);
    assert.equal(e.turnsEnded, 1);
    assert.equal(e.quota, undefined);
    assert.equal(e.rateLimits?.primary?.usedPercent, 42);
  });
  test("the last turn decides: a later success clears an earlier limit", () => {
    const e = rolloutEvidenceFromText(
      file,
      [REC.meta, REC.limitTokens, REC.limitEnd, REC.okTokens, REC.okEnd].join("\n"),
      RUN_START,
    );
    assert.equal(e.turnsEnded, 2);
    assert.equal(e.quota, undefined);
  });
  test("records from before the run (a resumed session's past) are ignored", () => {
    const e = rolloutEvidenceFromText(
      file,
      [REC.meta, REC.limitTokens, REC.limitEnd].join("\n"),
      RUN_START + 5000,
    );
    assert.equal(e.turnsEnded, 0);
    assert.equal(e.quota, undefined);
    assert.equal(e.sessionId, "01a1ff5d-daf7-7700-8121-94b5d648eca8");
  });
  test("a half-written last line and foreign lines are skipped", () => {
    const e = rolloutEvidenceFromText(
      file,
      [REC.meta, "not json", REC.limitEnd.slice(0, 80)].join("\n"),
      RUN_START,
    );
    assert.equal(e.turnsEnded, 0);
  });
});

describe("sessionDayDirs", () => {
  test("a run across local midnight covers both local dates, and the UTC ones as a safety net", () => {
    const from = local(2026, 11, 21, 23, 30);
    const to = local(2026, 11, 22, 0, 30);
    assert.deepEqual(sessionDayDirs("/s", from, to).sort(), ["/s/2026/11/21", "/s/2026/11/22"]);
    const week = sessionDayDirs("/s", local(2026, 11, 20, 12, 0), local(2026, 11, 23, 12, 0));
    assert.deepEqual(week.sort(), ["/s/2026/11/20", "/s/2026/11/21", "/s/2026/11/22", "/s/2026/11/23"]);
  });
  test("a UTC date that differs from the local one is included", () => {
    const evening = local(2026, 11, 21, 20, 0); // 01:00 UTC on the 22nd
    assert.deepEqual(sessionDayDirs("/s", evening, evening + 60_000).sort(), [
      "/s/2026/11/21",
      "/s/2026/11/22",
    ]);
  });
});
