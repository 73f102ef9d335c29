import { createRequire } from "node:module";
import v8 from "node:v8";
import { Language, Parser } from "web-tree-sitter";

/**
 * PowerShell cannot run here, so its scripts are parsed with the
 * tree-sitter-powershell grammar (its npm package ships the .wasm) under
 * web-tree-sitter: a syntax error anywhere shows up as an ERROR or MISSING node.
 */
let parser: Promise<Parser> | undefined;

async function powershellParser(): Promise<Parser> {
  parser ??= (async () => {
    // The grammar's lexer is one huge WebAssembly function; V8's optimizing tier spends 10-20 s of
    // CPU on it in the background and stalls the event loop meanwhile (every child process this
    // test file starts waits on it). The baseline compiler alone parses these scripts in milliseconds.
    v8.setFlagsFromString("--liftoff-only");
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = require.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm");
    const instance = new Parser();
    instance.setLanguage(await Language.load(wasm));
    return instance;
  })();
  return parser;
}

/** Syntax errors as `line:column text`, empty when the script parses cleanly. */
export async function powershellSyntaxErrors(source: string): Promise<string[]> {
  const tree = (await powershellParser()).parse(source);
  if (!tree) return ["the parser returned no tree"];
  const errors: string[] = [];
  const visit = (node: NonNullable<typeof tree>["rootNode"]) => {
    if (node.isError || node.isMissing) {
      errors.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.text.slice(0, 60)}`);
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  return errors;
}
