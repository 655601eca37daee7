// Promise misuse the compiler does not report, found with its type checker (issue 17 made every
// repository async, and a forgotten `await` there is silent):
//   floating-promise   a statement that calls an async function and drops the promise (its error is
//                      lost, and in a transaction it may run after COMMIT); write `await`, or `void`
//                      where fire-and-forget is meant
//   promise-predicate  an async callback given to filter/some/every/find/findIndex/findLast, which
//                      treat the (always truthy) promise as true
//   promise-in-loop    an async callback given to forEach, whose promises nobody awaits
//
//   const found = promiseMisuse(['src/a.ts'], 'tsconfig.json');   // ['floating-promise src/a.ts:12', …]
import path from 'node:path';
// The classic compiler API (TypeScript 7's native compiler has no stable one yet; STACK-NOTES).
import ts from 'typescript-classic';

const PREDICATES = new Set(['filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

export function promiseMisuse(rootFiles: string[], options: ts.CompilerOptions, only?: (file: string) => boolean): string[] {
  const program = ts.createProgram(rootFiles, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const found: string[] = [];
  const isPromise = (node: ts.Node): boolean => {
    const type = checker.getTypeAtLocation(node);
    const parts = type.isUnion() ? type.types : [type];
    return parts.some((t) => {
      const name = t.getSymbol()?.getName();
      return name === 'Promise' || name === 'PromiseLike';
    });
  };
  const returnsPromise = (fn: ts.Node): boolean => {
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
    if (fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return true;
    const signature = checker.getSignatureFromDeclaration(fn);
    if (!signature) return false;
    const type = checker.getReturnTypeOfSignature(signature);
    return type.getSymbol()?.getName() === 'Promise';
  };
  const roots = new Set(rootFiles.map((f) => path.resolve(f)));
  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || !roots.has(path.resolve(source.fileName))) continue;
    const file = path.relative(process.cwd(), source.fileName).split(path.sep).join('/');
    if (only && !only(file)) continue;
    const at = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node)) {
        const expr = node.expression;
        // `p.catch(handle)` and `p.then(ok, fail)` handle the failure: what they return may float.
        const handled = ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && (expr.expression.name.text === 'catch' || (expr.expression.name.text === 'then' && expr.arguments.length === 2));
        if ((ts.isCallExpression(expr) || ts.isNewExpression(expr)) && !handled && isPromise(expr)) found.push(`floating-promise ${at(node)}`);
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const callback = node.arguments[0];
        if (callback && PREDICATES.has(method) && returnsPromise(callback)) found.push(`promise-predicate ${at(node)}`);
        if (callback && method === 'forEach' && returnsPromise(callback)) found.push(`promise-in-loop ${at(node)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found.sort();
}

/** The compiler options of a tsconfig file. */
export function compilerOptions(tsconfig: string): ts.CompilerOptions {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig)).options;
}
