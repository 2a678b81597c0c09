import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_REGISTRY, type ErrorCode } from './error-codes';
import { AppError, DependencyError, InputError } from './errors';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The rooms of the sources; test/ holds tests only. */
const ROOMS = ['app', 'kernel', 'schemas', 'bus', 'ingest', 'processing', 'views', 'api', 'infra', 'tools'];
const NOT_SOURCE = /\.test\.ts$|\.testkit\.ts$|\.d\.ts$/;

/** Every .ts file of the sources but tests, test kits and the registry itself, relative to the root. */
function sourceFiles(): string[] {
  return ROOMS.flatMap((room) =>
    readdirSync(join(ROOT, room), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !NOT_SOURCE.test(f) && !f.split(/[\\/]/).includes('node_modules'))
      .map((f) => join(room, f)),
  ).filter((f) => f !== join('kernel', 'error-codes.ts'));
}

const COMPARISONS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/**
 * The registered codes a file writes as a value — the code of an error, a reject, a dead letter,
 * a feed state or an error body — found by the TypeScript parser: string literals only, so
 * comments do not count, and neither do types nor comparisons (`err.code === 'X'` reads a code,
 * it does not emit one).
 */
function codesEmittedIn(file: string, text: string): Set<ErrorCode> {
  const found = new Set<ErrorCode>();
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) && Object.hasOwn(ERROR_REGISTRY, node.text)) {
      const parent = node.parent;
      const compared = ts.isBinaryExpression(parent) && COMPARISONS.has(parent.operatorToken.kind);
      if (!compared && !ts.isLiteralTypeNode(parent) && !ts.isCaseClause(parent)) found.add(node.text as ErrorCode);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return found;
}

describe('error code registry', () => {
  it('has every registered code emitted somewhere in the sources', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    const emitted = new Set(files.flatMap((f) => [...codesEmittedIn(f, readFileSync(join(ROOT, f), 'utf8'))]));
    expect(ERROR_CODES.filter((code) => !emitted.has(code))).toEqual([]);
  });

  it('does not count a comparison, a type or a comment as an emit site', () => {
    const text = [
      "// 'NOT_FOUND' in a comment",
      "type T = 'RATE_LIMITED';",
      "const read = (code: string) => code === 'STORE_LOCKED';",
      "const written = { code: 'INTERNAL' };",
      "switch (read('x')) { case 'BUS_UNAVAILABLE': break; }",
    ].join('\n');
    expect([...codesEmittedIn('probe.ts', text)]).toEqual(['INTERNAL']);
  });

  it('gives each error the status of its code; no throw site chooses one', () => {
    expect(new InputError('QUERY_UNPROCESSABLE', 'x').statusCode).toBe(422);
    expect(new InputError('AUTH_KEY_INVALID', 'x').statusCode).toBe(401);
    expect(new AppError('CONFIG_INVALID', 'x').statusCode).toBe(500);
    expect(new DependencyError('FEED_HTTP_FAILED', 'feed', 'x', true).statusCode).toBe(502);
    expect(new DependencyError('STORE_UNAVAILABLE', 'clickhouse', 'x', true).statusCode).toBe(503);
    // The compiler keeps it so: no status argument, and each class takes only the codes of its fault.
    // @ts-expect-error a status is not an argument
    expect(new InputError('QUERY_INVALID', 'x', undefined, 422).statusCode).toBe(400);
    // @ts-expect-error a dependency's failure is no InputError
    expect(new InputError('STORE_UNAVAILABLE', 'x').statusCode).toBe(503);
    // @ts-expect-error a caller's mistake is no DependencyError
    expect(new DependencyError('QUERY_INVALID', 'bus', 'x', false).statusCode).toBe(400);
  });
});
