// The lint step's import rules (docs/architecture.md): imports run one way,
//   entry (src/cli.ts, src/bin/, src/cli/) -> src/commands/ -> features -> src/terminal/ -> src/core/
// a folder of one layer never imports a higher one, the features' folders import each other without
// a loop, and no file reaches itself through its imports (static, dynamic and type-only alike).
// Prints every break of a rule and exits 1 if there is one.
import fs from "node:fs";
import path from "node:path";

const LAYERS = [
  ["(root)", "bin", "cli"],
  ["commands"],
  ["accounts", "demo", "gateway", "gateway-process", "gateway-setup", "pool", "run", "shell", "status"],
  ["terminal"],
  ["core"],
];
const layerOf = new Map(LAYERS.flatMap((folders, rank) => folders.map((folder) => [folder, rank])));

const files = fs
  .readdirSync("src", { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => path.join("src", file));
const folderOf = (file) => {
  const parts = file.split(path.sep);
  return parts.length > 2 ? parts[1] : "(root)";
};

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;
const edges = new Map(files.map((file) => [file, []]));
const problems = [];
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  for (const match of text.matchAll(IMPORT)) {
    const target = path.normalize(path.join(path.dirname(file), match[1])).replace(/\.js$/, ".ts");
    if (!edges.has(target)) {
      problems.push(`${file}: imports ${match[1]}, which is not a file under src/`);
      continue;
    }
    edges.get(file).push(target);
  }
}

for (const folder of new Set(files.map(folderOf))) {
  if (!layerOf.has(folder))
    problems.push(`src/${folder}/ is in no layer: add it to LAYERS in ${import.meta.filename}`);
}

// Layers.
const folderEdges = new Map();
for (const [file, targets] of edges) {
  for (const target of targets) {
    const from = folderOf(file);
    const to = folderOf(target);
    if (from === to) continue;
    if ((layerOf.get(to) ?? 0) < (layerOf.get(from) ?? 0)) {
      problems.push(`${file} imports ${target}: ${to}/ is a higher layer than ${from}/`);
    }
    if (layerOf.get(to) === layerOf.get(from)) {
      if (!folderEdges.has(from)) folderEdges.set(from, new Map());
      folderEdges.get(from).set(to, `${file} -> ${target}`);
    }
  }
}

/**
 * The loops of a graph (node -> successors): one per strongly connected
 * component of more than one node (Tarjan), shown as one path around it.
 */
function cycles(successors) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const loops = [];
  let next = 0;
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of successors.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = new Set();
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.add(member);
    } while (member !== node);
    if (component.size > 1 || (successors.get(node) ?? []).includes(node))
      loops.push(pathAround(node, component));
  };
  const pathAround = (start, component) => {
    // Breadth-first from start back to start, inside the component.
    const cameFrom = new Map();
    const queue = [start];
    while (queue.length > 0) {
      const node = queue.shift();
      for (const to of successors.get(node) ?? []) {
        if (!component.has(to)) continue;
        if (to === start) {
          const trail = [node];
          while (trail[0] !== start) trail.unshift(cameFrom.get(trail[0]));
          return [...trail, start];
        }
        if (!cameFrom.has(to)) {
          cameFrom.set(to, node);
          queue.push(to);
        }
      }
    }
    return [start, start];
  };
  for (const node of [...successors.keys()].sort()) if (!index.has(node)) visit(node);
  return loops;
}

const folderGraph = new Map([...folderEdges].map(([from, targets]) => [from, [...targets.keys()]]));
for (const loop of cycles(folderGraph)) {
  const via = loop.slice(1).map((to, i) => folderEdges.get(loop[i]).get(to));
  problems.push(
    `feature folders import each other in a loop: ${loop.join(" -> ")}\n    ${via.join("\n    ")}`,
  );
}
for (const loop of cycles(edges)) problems.push(`import cycle: ${loop.join(" -> ")}`);

if (problems.length > 0) {
  console.error(`import rules (scripts/check-imports.mjs):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
