// Bundles the `cao` binary's CommonJS files into dist/bin (see src/bin/cao.ts):
//   cao.cjs   the entry: picks a bundle, loads it through the V8 code cache,
//             and hands anything the bundle does not serve to the ES-module CLI
//   hot.cjs   --version, status views, a plain `cao run`
//   init.cjs  `cao init SHELL`, printed on every shell start
// Run after tsc (npm run build), which writes the ES-module CLI to dist/.
import fs from "node:fs";
import { builtinModules } from "node:module";
import * as esbuild from "esbuild";

const { dependencies } = JSON.parse(fs.readFileSync("package.json", "utf8"));

/**
 * `import fs from "node:fs"` becomes `__toESM(require("node:fs"))` in a CommonJS
 * bundle, which copies every export of the module onto a new object, once per
 * importing file: ~1 ms of a `cao run` start for fs, path and os. These
 * builtins (and vm) are only ever default-imported in src (a named import of them fails
 * the build: the stand-in below has no named exports), so each is replaced by
 * an ES module whose default export is the plain `require()` result.
 */
const plainBuiltinDefaults = {
  name: "plain-builtin-defaults",
  setup(build) {
    build.onResolve({ filter: /^node:(fs|os|path|vm)$/, namespace: "file" }, (args) =>
      args.importer.includes("/node_modules/") ? undefined : { path: args.path, namespace: "plain-builtin" },
    );
    build.onLoad({ filter: /.*/, namespace: "plain-builtin" }, (args) => ({
      contents: `const builtin = require(${JSON.stringify(args.path)});\nexport default builtin;\n`,
      loader: "js",
    }));
  },
};

/**
 * isexe (under `which`) requires node:fs/promises when it loads, for its async
 * API: ~0.7 ms, as that module pulls in readline. cao calls `which.sync` only,
 * so in the bundles isexe gets a stand-in that loads the real module on first
 * use of any of its members.
 */
const deferredFsPromises = {
  name: "deferred-fs-promises",
  setup(build) {
    build.onResolve({ filter: /^(node:)?fs\/promises$/ }, (args) =>
      args.importer.includes("/node_modules/isexe/")
        ? { path: "fs/promises", namespace: "deferred" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "deferred" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:fs/promises")[key] });\n',
      loader: "js",
    }));
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Dependencies stay in node_modules, except `which`: it is on the path of every
  // `cao run`, and resolving and compiling it from node_modules costs ~5 ms,
  // where bundled it is compiled once into the code cache.
  external: Object.keys(dependencies).filter((name) => name !== "which"),
  outdir: "dist/bin",
  outExtension: { ".js": ".cjs" },
  sourcemap: true,
  logLevel: "warning",
  plugins: [plainBuiltinDefaults, deferredFsPromises],
  // import.meta.url is read by a few modules only: computing it costs ~0.2 ms, so the
  // banner's getter computes it when first asked.
  define: { "import.meta.url": "__caoImportMeta.url", "import.meta.dirname": "__dirname" },
  banner: {
    js: 'const __caoImportMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
  },
};

// The served bundles are compiled through vm.Script (src/bin/code-cache.ts),
// where import() has no loader to call: every dynamic import is bundled or
// turned into require(), and the build fails if one is left.
const served = await esbuild.build({
  ...common,
  entryPoints: ["src/bin/hot.ts", "src/bin/init.ts"],
  supported: { "dynamic-import": false },
  write: false,
  metafile: true,
});
for (const file of served.outputFiles) {
  if (file.path.endsWith(".cjs") && /\bimport\(/.test(file.text)) {
    throw new Error(`${file.path} still calls import(), which vm.Script cannot serve`);
  }
}

/**
 * The bundle rules: what may reach each served bundle, checked on every build.
 * A start-up path grows by import, one module at a time, and nothing but the
 * benchmark would notice; an import from a command, the gateway or citty into
 * these paths fails the build here instead. `sources` are the src/ files a
 * bundle may contain, `packages` the npm packages it may load (bundled or
 * required); node: builtins are always allowed.
 */
const BUNDLE_RULES = {
  // `cao init SHELL`, on every shell start: the shell scripts, core and the
  // stdout writer, and no npm package at all.
  "init.cjs": {
    sources: [/^src\/bin\/init\.ts$/, /^src\/shell\//, /^src\/core\//, /^src\/terminal\/stdout\.ts$/],
    packages: [],
  },
  // --version, the status views and a plain `cao run`: never a command module,
  // the full CLI (citty), the gateway, the demo, account management or the
  // doctor. consola loads on the first log line only (src/terminal/log.ts).
  "hot.cjs": {
    sources: [
      /^src\/bin\/hot\.ts$/,
      /^src\/cli\/(hot-paths|invocation)\.ts$/,
      /^src\/core\//,
      /^src\/terminal\//,
      /^src\/run\//,
      /^src\/shell\//,
      /^src\/status\/(?!doctor)[^/]+\.ts$/,
    ],
    packages: ["consola", "smol-toml", "which", "isexe"],
  },
};

for (const [output, meta] of Object.entries(served.metafile.outputs)) {
  const rules = BUNDLE_RULES[output.split("/").at(-1)];
  if (!rules) continue;
  const packageOf = (file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  const problems = [];
  for (const input of Object.keys(meta.inputs)) {
    // The stand-ins the plugins above make for builtins.
    if (/^(plain-builtin|deferred):/.test(input)) continue;
    const pkg = packageOf(input);
    if (pkg ? !rules.packages.includes(pkg) : !rules.sources.some((rule) => rule.test(input))) {
      problems.push(input);
    }
  }
  for (const { path, external } of meta.imports) {
    const builtin = path.startsWith("node:") || builtinModules.includes(path);
    if (external && !builtin && !rules.packages.includes(path.split("/")[0])) {
      problems.push(`package ${path}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `${output} may not contain ${problems.join(", ")} (the bundle rules in scripts/build-bundles.mjs)`,
    );
  }
}
fs.mkdirSync("dist/bin", { recursive: true });
for (const file of served.outputFiles) fs.writeFileSync(file.path, file.contents);

// The entry keeps its one import(): the hand-over to the ES-module CLI.
await esbuild.build({ ...common, entryPoints: ["src/bin/cao.ts"], supported: { "dynamic-import": true } });

for (const file of ["dist/cli.js", "dist/bin/cao.cjs"]) fs.chmodSync(file, 0o755);
