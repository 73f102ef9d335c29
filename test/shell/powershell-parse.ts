import { createRequire } from "node:module";
import { Language, Parser } from "web-tree-sitter";

/**
 * PowerShell cannot run here, so its scripts are parsed with the
 * tree-sitter-powershell grammar (its npm package ships the .wasm) under
 * web-tree-sitter: a syntax error anywhere shows up as an ERROR or MISSING node.
 */
let parser: Promise<Parser> | undefined;

async function powershellParser(): Promise<Parser> {
  parser ??= (async () => {
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
