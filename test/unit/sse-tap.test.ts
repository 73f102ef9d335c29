import assert from "node:assert/strict";
import { test } from "node:test";
import { createSseTap } from "../../src/gateway/sse-tap.js";

/** What the tap must find: every `data:` line that names the marker and is JSON, read from the whole stream. */
function expected(stream: string): unknown[] {
  return stream
    .split("\n")
    .filter((line) => line.startsWith("data:") && line.includes("codex.rate_limits"))
    .flatMap((line) => {
      try {
        return [JSON.parse(line.slice(5))];
      } catch {
        return [];
      }
    });
}

const event = (n: number, eol = "\n") =>
  `event: codex.rate_limits${eol}data: {"type":"codex.rate_limits","rate_limits":{"primary":{"used_percent":${n}}}}${eol}${eol}`;
const filler = (n: number) => `data: {"type":"response.output_text.delta","delta":"${"y".repeat(n)}"}\n\n`;

test("the SSE tap finds every rate-limit event however the stream is split, and only those", () => {
  const streams = [
    event(1) + filler(600) + event(2) + filler(10) + event(3),
    `${event(4)}${event(5)}${filler(3000)}`,
    `${filler(100)}${event(6, "\r\n")}data: codex.rate_limits but not json\n\n${filler(50)}`,
    `${filler(20)}data: {"type":"codex.rate_limits","pad":"${"z".repeat(70_000)}"}\n\n${event(7)}`,
  ];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (const text of streams) {
    const stream = Buffer.from(text);
    // A marker line over 64 KB is read only when one chunk holds it whole: it is no rate-limit event.
    const short = (events: unknown[]) => events.filter((e) => JSON.stringify(e).length < 64 * 1024);
    const want = short(expected(text));
    const splits: number[][] = [1, 2, 7, 16, 17, 18, 255, 256, 257, 700, stream.length].map((size) => {
      const cuts = [];
      for (let i = size; i < stream.length; i += size) cuts.push(i);
      return cuts;
    });
    for (let r = 0; r < 30; r++) {
      const cuts = new Set<number>();
      for (let i = 0; i < 1 + r * 3; i++) cuts.add(1 + Math.floor(random() * (stream.length - 1)));
      splits.push([...cuts].sort((a, b) => a - b));
    }
    for (const cut of splits) {
      const seen: unknown[] = [];
      const tap = createSseTap((e) => seen.push(e));
      let at = 0;
      for (const next of [...cut, stream.length]) {
        tap(stream.subarray(at, next));
        at = next;
      }
      assert.deepEqual(short(seen), want, `cuts ${cut.slice(0, 12).join(",")}`);
    }
  }
});

test("the SSE tap leaves the chunks it sees as they were", () => {
  const text = filler(40) + event(9) + filler(40);
  const stream = Buffer.from(text);
  const tap = createSseTap(() => {});
  for (let i = 0; i < stream.length; i += 33) tap(stream.subarray(i, i + 33));
  assert.equal(stream.toString(), text);
});
