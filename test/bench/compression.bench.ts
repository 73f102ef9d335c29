// Compressed upstream answers (issue 9): what asking the upstream for identity
// costs against letting it compress and decoding only what the gateway
// inspects (docs/gateway.md, "Compressed answers"). Two parts:
//  1. In process, on a realistic 1 MB model stream (word-like deltas, as SSE):
//     bytes on the wire per coding as an edge writes it (flushed per 16 KB
//     write), and the gateway's inspection CPU per MB (the real decoder + SSE
//     tap; identity = tap alone).
//  2. Real processes (fake backend, `cao gateway start`): time to first byte of
//     a tiny answer and gateway CPU per MB of a 1 MB answer, identity vs gzip
//     (the coding the fake backend streams), interleaved rounds.
// Run: npm run bench -- compression   (or: npm run build && node --import tsx test/bench/compression.bench.ts)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { compressWhole, loadZstdEncoder } from "../../src/demo/fake-backend/compression.js";
import { createStreamDecoder } from "../../src/gateway/content-encoding.js";
import { createSseTap } from "../../src/gateway/sse-tap.js";
import { benchAgent, timeResponse } from "./lib/http-client.js";
import { median, pairedRounds } from "./lib/paired.js";
import { cpuMs, Processes, tokenOf } from "./lib/processes.js";

const scale = Number(process.env.CAO_BENCH_SCALE ?? 1);
const rounds = (n: number) => Math.max(3, Math.round(n * scale));
const MB = 1024 * 1024;

/** ~1 MB of SSE deltas of word-like text (pseudo-random, fixed seed), ending with a rate-limits event. */
function realisticStream(): Buffer[] {
  const words =
    "the of and to in is that for it as with was on be by this are or from at which code file test function return value error account session".split(
      " ",
    );
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const writes: Buffer[] = [];
  let pending = "";
  let total = 0;
  let n = 0;
  while (total < MB) {
    let delta = "";
    while (delta.length < 60) delta += `${words[next() % words.length]} `;
    const event = {
      type: "response.output_text.delta",
      item_id: "msg_0001",
      output_index: 0,
      content_index: 0,
      sequence_number: n++,
      delta,
    };
    pending += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    if (pending.length >= 16 * 1024) {
      writes.push(Buffer.from(pending));
      total += pending.length;
      pending = "";
    }
  }
  pending += `event: codex.rate_limits\ndata: {"type":"codex.rate_limits","rate_limits":{"primary":{"used_percent":42}}}\n\n`;
  writes.push(Buffer.from(pending));
  return writes;
}

/** The stream as an edge would send it in `coding`, one flush per write (what each flush yields goes out). */
async function encode(writes: Buffer[], coding: string): Promise<Buffer[]> {
  if (coding === "identity") return writes;
  if (coding === "zstd") return writes.map((w) => compressWhole(w, "zstd"));
  const encoder =
    coding === "gzip"
      ? zlib.createGzip()
      : // Quality 5: what edges use for dynamic answers (11 is for static files).
        zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
  const flush = coding === "gzip" ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.BROTLI_OPERATION_FLUSH;
  const out: Buffer[] = [];
  encoder.on("data", (chunk: Buffer) => out.push(chunk));
  for (const w of writes) {
    encoder.write(w);
    await new Promise<void>((resolve) => encoder.flush(flush, () => resolve()));
  }
  await new Promise<void>((resolve) => {
    encoder.once("end", resolve);
    encoder.end();
  });
  return out;
}

async function inspectCpuMsPerMb(chunks: Buffer[], coding: string, plainBytes: number): Promise<number> {
  const repeats = rounds(20);
  const start = process.cpuUsage();
  for (let i = 0; i < repeats; i++) {
    let seen = 0;
    const tap = createSseTap(() => seen++);
    await new Promise<void>((resolve, reject) => {
      const decoder = createStreamDecoder(
        coding === "identity" ? undefined : coding,
        (chunk) => tap(chunk),
        reject,
      );
      if (!decoder) {
        for (const chunk of chunks) tap(chunk);
        resolve();
        return;
      }
      for (const chunk of chunks) decoder.write(chunk);
      decoder.end();
      // zlib decodes on the thread pool: wait until the tap saw the final event.
      const poll = () => (seen > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    if (seen !== 1) throw new Error(`${coding}: the tap saw ${seen} rate-limit events`);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / repeats / (plainBytes / MB);
}

await loadZstdEncoder();
const writes = realisticStream();
const plainBytes = writes.reduce((sum, w) => sum + w.length, 0);
console.log("| coding | bytes on the wire (1 MB stream) | ratio | gateway inspection CPU per MB |");
console.log("| --- | --- | --- | --- |");
for (const coding of ["identity", "gzip", "br", "zstd"]) {
  const chunks = await encode(writes, coding);
  const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
  const cpu = await inspectCpuMsPerMb(chunks, coding, plainBytes);
  console.log(`| ${coding} | ${bytes} | ${(plainBytes / bytes).toFixed(2)}x | ${cpu.toFixed(2)} ms |`);
}

// Part 2: real processes.
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-compression-"));
const procs = new Processes(root);
try {
  const dir = path.join(root, "cao");
  const backend = await procs.backend({ [dir]: [{ name: "main", accountId: "b-main" }] });
  const gateway = await procs.gateway(dir, backend);
  const token = tokenOf(dir, "main");
  const target = (acceptEncoding: string | undefined) => ({
    url: gateway.url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(acceptEncoding && { "accept-encoding": acceptEncoding }),
    },
  });
  const modes = { identity: target(undefined), gzip: target("gzip") } as const;
  const names = ["identity", "gzip"] as const;
  const first = await pairedRounds(names, { rounds: rounds(60), warmup: 3 }, (name, i) =>
    timeResponse(modes[name], "tiny", `t-${i}`).then((r) => r.firstMs),
  );
  console.log("\n| through the gateway | identity | gzip |");
  console.log("| --- | --- | --- |");
  console.log(
    `| time to first byte, tiny answer (p50) | ${median(first.identity).toFixed(3)} ms | ${median(first.gzip).toFixed(3)} ms |`,
  );
  const cpu: Record<string, number> = {};
  const wire: Record<string, number> = {};
  for (const name of names) {
    const t = modes[name];
    const before = cpuMs(gateway.pid);
    let bytes = 0;
    const n = rounds(10);
    for (let i = 0; i < n; i++) bytes += (await timeResponse(t, "burst", `b-${name}-${i}`)).bytes;
    cpu[name] = (cpuMs(gateway.pid) - before) / n;
    wire[name] = bytes / n;
  }
  console.log(
    `| gateway CPU per 1 MB answer (fake backend's "x" text) | ${cpu.identity?.toFixed(1)} ms | ${cpu.gzip?.toFixed(1)} ms |`,
  );
  console.log(
    `| bytes per answer (that text is far more compressible than real output) | ${wire.identity?.toFixed(0)} | ${wire.gzip?.toFixed(0)} |`,
  );
} finally {
  await benchAgent.close();
  await procs.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
