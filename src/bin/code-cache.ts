import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { caoCacheDir } from "../core/cache-dir.js";

/*
 * V8 code cache for cao's CommonJS bundles. Compiling a bundle, and then each
 * function as it first runs, is ~3 ms of every `cao run` and `cao init`; V8 can
 * instead load what an earlier run compiled. Node 20 has no module compile
 * cache (22 does), so cao keeps its own, like Node 22's:
 *   $XDG_CACHE_HOME/cao/<bundle>-<bytes>.v8cache
 *   (~/.cache/cao/ by default; CAO_NO_CODE_CACHE=1 turns it off).
 * A cache file holds a header line, the bundle source it was made from and the
 * V8 data. V8 itself checks only the source length, so cao compares the whole
 * source: a rebuilt bundle never runs stale bytecode. V8 rejects data from
 * another Node version or other flags; cao then writes a new cache.
 *
 * The data is written when the process exits, after the command ran, so it
 * holds every function that command compiled. Each command word seen is noted
 * in the header: the first `cao status` after `cao run` writes the cache once
 * more, with both paths' functions; from then on it is only read.
 *
 * Loaded bytecode is code this process runs, so only a file and directory the
 * user owns and nobody else can write are read.
 */

const FORMAT = "cao-v8-cache-1";
/** Command words a cache notes before it stops growing (a typo must not rewrite it forever). */
const MAX_COMMANDS = 16;

interface CacheFile {
  commands: string[];
  data: Buffer;
}

export interface BundleExports {
  serve(argv: string[]): Promise<boolean>;
}

/** `require(file)` for a CommonJS bundle, through the code cache when there is one to use. */
export function requireBundle(file: string, argv: string[], env = process.env): BundleExports {
  const source = fs.readFileSync(file);
  const cacheFile = cachePath(file, source.length, env);
  const cache = cacheFile === undefined ? undefined : readCache(cacheFile, source);
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source.toString("utf8")}\n})`,
    { filename: file, ...(cache && { cachedData: cache.data }) },
  );
  const command = commandWord(argv);
  const known = cache && !script.cachedDataRejected ? cache.commands : undefined;
  const stale = !known || (!known.includes(command) && known.length < MAX_COMMANDS);
  if (cacheFile !== undefined && stale) {
    process.once("exit", () => writeCache(cacheFile, source, script, [...(known ?? []), command]));
  }
  const module = { exports: {} as BundleExports };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

function cachePath(file: string, bytes: number, env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.CAO_NO_CODE_CACHE ? undefined : caoCacheDir(env);
  // Named by size too, so two installed versions do not keep replacing each other's cache.
  return dir && path.join(dir, `${path.basename(file, ".cjs")}-${bytes}.v8cache`);
}

/** The word that picks what a run compiles: `run`, `status`, a shell name... */
function commandWord(argv: string[]): string {
  const word = argv[0] ?? "";
  return /^[a-z][a-z-]{0,31}$/.test(word) ? word : "-";
}

function readCache(file: string, source: Buffer): CacheFile | undefined {
  let bytes: Buffer;
  try {
    const fd = fs.openSync(file, "r");
    try {
      if (!ownedAndPrivate(fs.fstatSync(fd)) || !ownedAndPrivate(fs.statSync(path.dirname(file)))) return;
      bytes = fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const headerEnd = bytes.indexOf(10);
  const [format, sourceBytes, ...commands] = bytes.subarray(0, Math.max(headerEnd, 0)).toString().split(" ");
  if (format !== FORMAT || Number(sourceBytes) !== source.length) return undefined;
  const dataStart = headerEnd + 1 + source.length;
  if (!source.equals(bytes.subarray(headerEnd + 1, dataStart))) return undefined;
  return { commands, data: bytes.subarray(dataStart) };
}

function ownedAndPrivate(stat: fs.Stats): boolean {
  return (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o022) === 0;
}

/** Atomic (temp + rename); any failure only means no cache next time. */
function writeCache(file: string, source: Buffer, script: vm.Script, commands: string[]): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const header = Buffer.from(`${[FORMAT, source.length, ...commands].join(" ")}\n`);
    fs.writeFileSync(temp, Buffer.concat([header, source, script.createCachedData()]), { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch {
    try {
      fs.unlinkSync(temp);
    } catch {
      // Never created.
    }
  }
}
