import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { CoalescedWriter, isFraming, joinRuns, MAX_UNSENT } from "../../src/gateway/coalesced-write.js";

/** A client socket stand-in with Node's stream accounting: it takes a write only when told to. */
function slowClient() {
  const written: Buffer[] = [];
  const held: (() => void)[] = [];
  const out = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk);
      held.push(done);
    },
  });
  const takeAll = async () => {
    while (held.length > 0) {
      held.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { out, written, takeAll };
}

function flow() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push("pause"), resume: () => calls.push("resume") };
}

test("the chunks of one read reach the client as one write, seen once by the tap", async () => {
  const client = slowClient();
  const seen: string[] = [];
  const writer = new CoalescedWriter(client.out, flow(), (data) => seen.push(data.toString()));
  const events = Array.from({ length: 50 }, (_, i) => `data: {"n":${i}}\n\n`);
  // As undici hands them over: views into one socket read, between chunked-encoding framing.
  const read = Buffer.from(events.map((e) => `${e.length.toString(16)}\r\n${e}\r\n`).join(""));
  let at = 0;
  for (const event of events) {
    at = read.indexOf("\r\n", at) + 2;
    assert.equal(writer.push(read.subarray(at, at + event.length)), true);
    at += event.length + 2;
  }
  assert.equal(client.written.length, 0, "nothing written before the read is parsed");
  await Promise.resolve();
  assert.deepEqual(
    client.written.map((b) => b.toString()),
    [events.join("")],
  );
  assert.deepEqual(seen, [events.join("")]);
  writer.push(Buffer.from("last"));
  writer.end();
  await client.takeAll();
  assert.equal(Buffer.concat(client.written).toString(), `${events.join("")}last`);
});

test("a client that does not read pauses the upstream with a bounded amount unsent, and resumes it", async () => {
  const client = slowClient();
  const upstream = flow();
  const writer = new CoalescedWriter(client.out, upstream);
  const read = Buffer.alloc(16 * 1024, 120);
  let reads = 0;
  // Reads keep coming (each parsed, then flushed) until the writer asks to pause.
  for (; reads < 1000 && upstream.calls.length === 0; reads++) {
    writer.push(read);
    await Promise.resolve();
  }
  assert.deepEqual(upstream.calls, ["pause"], `after ${reads} reads`);
  assert.ok(
    client.out.writableLength <= MAX_UNSENT + read.length,
    `unsent ${client.out.writableLength} bytes, bound ${MAX_UNSENT} + one read`,
  );
  assert.equal(writer.push(read), false, "while paused, a chunk undici still had is taken, and it stops");
  await client.takeAll();
  assert.deepEqual(upstream.calls, ["pause", "resume"]);
  assert.equal(writer.push(read), true);
});

test("chunks that are views of one read are joined in place over the framing, one run per read", () => {
  const wire = "3\r\nabc\r\n2\r\nde\r\n4\r\nfghi\r\n";
  const read = Buffer.from(wire);
  const next = Buffer.allocUnsafeSlow(12);
  next.write("2\r\njk\r\n1\r\nl");
  const views = [
    read.subarray(3, 6),
    read.subarray(11, 13),
    read.subarray(18, 22),
    next.subarray(3, 5),
    next.subarray(10, 11),
  ];
  const runs = joinRuns(views);
  assert.deepEqual(
    runs.map((run) => run.toString()),
    ["abcdefghi", "jkl"],
  );
  assert.equal(runs[0]!.buffer, read.buffer, "no new buffer");
  assert.equal(runs[1]!.buffer, next.buffer);
  assert.equal(
    next.subarray(0, 3).toString(),
    "2\r\n",
    "bytes that are not framing between chunks are never moved over",
  );
  // Neighbours in Node's buffer pool with something else than framing between them are not joined.
  const [a, b] = [Buffer.from("abc"), Buffer.from("def")];
  assert.deepEqual(
    joinRuns([a, b]).map((run) => run.toString()),
    ["abc", "def"],
  );
  const other = Buffer.from(wire);
  const outOfOrder = joinRuns([other.subarray(11, 13), other.subarray(3, 6)]);
  assert.deepEqual(
    outOfOrder.map((run) => run.toString()),
    ["de", "abc"],
  );
});

test("only chunk framing counts as framing: CRLF, hex size, optional extensions, CRLF", () => {
  const framing = (text: string) => isFraming(Buffer.from(`xx${text}yy`, "latin1"), 2, 2 + text.length);
  for (const ok of ["\r\n0\r\n", "\r\n3e8\r\n", "\r\nA0f\r\n", "\r\n10;name=value\r\n", "\r\n1;\r\n"])
    assert.equal(framing(ok), true, JSON.stringify(ok));
  for (const bad of [
    "\r\n\r\n",
    "\r\n;x\r\n",
    "\r\n1g\r\n",
    "\r\n12 \r\n",
    "\n\n12\r\n",
    "\r\n12\n\n",
    "\r\n1;a\rb\r\n",
    "\r\n1;a\nb\r\n",
    `\r\n${"1".repeat(61)}\r\n`,
  ])
    assert.equal(framing(bad), false, JSON.stringify(bad));
});
