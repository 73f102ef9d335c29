import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { CoalescedWriter, MAX_UNSENT } from "../../src/gateway/coalesced-write.js";

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
  for (const event of events) assert.equal(writer.push(Buffer.from(event)), true);
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
