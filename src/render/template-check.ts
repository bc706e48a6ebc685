import type Handlebars from "handlebars";
import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";

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
    return { ...say.MS4004(id, { error: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error) }), path: [] };
  }
  const unsafe = findUnsafeExpressions(ast);
  return unsafe.length > 0 ? { ...say.MS4004(id, { unsafe }), path: [] } : undefined;
}

/** An expression a template may not hold, by line: a mustache other than `{{y value}}`, a block helper not allowed, a partial or decorator. */
type Unsafe = { line: number } & ({ expression: string } | { blockHelper: string } | { partial: true });

/** Every `{{expr}}` that is not `{{y value}}`, and every triple-stash or partial. */
function findUnsafeExpressions(node: hbs.AST.Program): Unsafe[] {
  const problems: Unsafe[] = [];
  const visit = (statements: hbs.AST.Statement[]): void => {
    for (const statement of statements) {
      const line = statement.loc?.start.line ?? 0;
      if (statement.type === "MustacheStatement") {
        const m = statement as hbs.AST.MustacheStatement;
        const name = (m.path as hbs.AST.PathExpression).original;
        if (name !== "y" || m.params.length !== 1 || m.hash) problems.push({ line, expression: String(name) });
      } else if (statement.type === "BlockStatement") {
        const b = statement as hbs.AST.BlockStatement;
        const name = (b.path as hbs.AST.PathExpression).original;
        if (!BLOCK_HELPERS.has(String(name))) problems.push({ line, blockHelper: String(name) });
        if (b.program) visit(b.program.body);
        if (b.inverse) visit(b.inverse.body);
      } else if (statement.type === "PartialStatement" || statement.type === "PartialBlockStatement" || statement.type === "DecoratorBlock" || statement.type === "Decorator") {
        problems.push({ line, partial: true });
      }
    }
  };
  visit(node.body);
  return problems;
}
