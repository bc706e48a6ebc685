import type Handlebars from "handlebars";
import type { Finding } from "../diagnostics/diagnostic.js";

/** How every template is compiled, at build time (scripts/build-templates.mjs) and at run time alike. */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

/** Block helpers a template may use; every other expression must be `{{y value}}`. */
const BLOCK_HELPERS = new Set(["if", "unless", "each", "with"]);

/**
 * Parse a template and refuse what could write a value other than through `{{y value}}`: an MS4004
 * finding, or undefined when the template may be compiled. `handlebars` is a full environment (the
 * runtime alone cannot parse).
 */
export function checkTemplate(handlebars: Pick<typeof Handlebars, "parse">, id: string, source: string): Finding | undefined {
  let ast: hbs.AST.Program;
  try {
    ast = handlebars.parse(source);
  } catch (error) {
    return { code: "MS4004", message: `template ${id}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, path: [] };
  }
  const unsafe = findUnsafeExpressions(ast);
  if (unsafe.length > 0) {
    return {
      code: "MS4004",
      message: `template ${id}: ${unsafe.join("; ")}: values must be written with {{y value}}`,
      path: [],
    };
  }
  return undefined;
}

/** Every `{{expr}}` that is not `{{y value}}`, and every triple-stash or partial. */
function findUnsafeExpressions(node: hbs.AST.Program): string[] {
  const problems: string[] = [];
  const visit = (statements: hbs.AST.Statement[]): void => {
    for (const statement of statements) {
      const line = statement.loc?.start.line ?? 0;
      if (statement.type === "MustacheStatement") {
        const m = statement as hbs.AST.MustacheStatement;
        const name = (m.path as hbs.AST.PathExpression).original;
        if (name !== "y" || m.params.length !== 1 || m.hash) problems.push(`line ${line}: {{${String(name)}}}`);
      } else if (statement.type === "BlockStatement") {
        const b = statement as hbs.AST.BlockStatement;
        const name = (b.path as hbs.AST.PathExpression).original;
        if (!BLOCK_HELPERS.has(String(name))) problems.push(`line ${line}: block helper #${String(name)} is not allowed`);
        if (b.program) visit(b.program.body);
        if (b.inverse) visit(b.inverse.body);
      } else if (statement.type === "PartialStatement" || statement.type === "PartialBlockStatement" || statement.type === "DecoratorBlock" || statement.type === "Decorator") {
        problems.push(`line ${line}: partials and decorators are not allowed`);
      }
    }
  };
  visit(node.body);
  return problems;
}
