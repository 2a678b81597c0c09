import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { servedOpenApiDocument, type OpenApiDocument } from './openapi.testkit';

const ROOT = resolve(import.meta.dirname, '..');
const COMPONENT = '#/components/schemas/';

/** Every `$ref` in a part of the document. */
function refs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, into);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else refs(v, into);
    }
  return into;
}

interface Operation {
  parameters?: { name: string; schema: Record<string, unknown>; description?: string }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
const operations = (doc: OpenApiDocument): [string, Operation][] =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      op as Operation,
    ]),
  );

/**
 * Typed calls of the series, error, exceptional-days and scorecard routes, written as a client
 * would, against the types openapi-typescript generates from the served document; each
 * `@ts-expect-error` marks a call the generated types must refuse (tsc fails on one they accept).
 */
const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './api';

type Schemas = components['schemas'];
const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080' });

export async function calls(): Promise<void> {
  const { data, error } = await client.GET('/v1/series', {
    params: { query: { level: 'city', id: ['上海'], pollutant: ['pm25', 'o3_8h'], from: '2025-03-01', to: '2025-03-31', format: 'json' } },
  });
  const rows: Schemas['SeriesRow'][] = data?.rows ?? [];
  const valid: number[] = rows.filter((r) => r.valid).map((r) => r.nValid / r.nExpected);
  const value: number | null | undefined = rows[0]?.value;
  const code: Schemas['ErrorCode'] | undefined = error?.error.code;
  const response: Schemas['SeriesResponse'] | undefined = data;
  console.log(valid, value, code, response?.next);

  // @ts-expect-error: a row's count is nValid, as in every export format, not n_valid.
  console.log(rows[0]?.n_valid);
  // @ts-expect-error: 'county' is not a level.
  await client.GET('/v1/series', { params: { query: { level: 'county', id: ['x'], pollutant: ['pm25'], from: '2025-03-01', to: '2025-03-01' } } });
  // @ts-expect-error: \`from\` is required.
  await client.GET('/v1/series', { params: { query: { level: 'station', id: ['1141A'], pollutant: ['pm25'], to: '2025-03-01' } } });
  // @ts-expect-error: 'pm1' is not a series pollutant.
  await client.GET('/v1/series', { params: { query: { level: 'station', id: ['1141A'], pollutant: ['pm1'], from: '2025-03-01', to: '2025-03-01' } } });

  const day: Schemas['ExceptionalDayInput'] = { city: '上海', day: '2025-03-20', source: 'MEE notice' };
  const recorded = await client.POST('/v1/exceptional-days', { body: [day] });
  const n: number | undefined = recorded.data?.recorded;
  // @ts-expect-error: an exceptional day needs its source.
  await client.POST('/v1/exceptional-days', { body: [{ city: '上海', day: '2025-03-20' }] });
  // @ts-expect-error: the scorecard route needs its centre in the path.
  await client.GET('/v1/centres/{centre}/scorecard', { params: { query: { from: '2025-03-01', to: '2025-03-31' } } });
  const card = await client.GET('/v1/centres/{centre}/scorecard', {
    params: { path: { centre: 'shanghai' }, query: { from: '2025-03-01', to: '2025-03-31' } },
  });
  console.log(n, card.data);
}
`;

describe('OpenAPI document for client generators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yrd-air-openapi-client-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names every request body and JSON answer as a component, referred to by $ref', async () => {
    const doc = await servedOpenApiDocument();
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys(schemas).length).toBeGreaterThan(40);
    for (const [name, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        expect(schema?.$ref, `${name} ${status}`).toMatch(/^#\/components\/schemas\/\w+$/);
      }
      // A query is listed field by field, inline: beside a $ref a parameter would lose its default.
      expect(refs(op.parameters ?? []), `${name} parameters`).toEqual([]);
      const body = op.requestBody?.content['application/json']?.schema;
      // The push routes read their body themselves (JSON or CSV, each record checked):
      // it has no schema to name.
      if (body && !['POST /v1/readings', 'POST /v1/species', 'POST /v1/forecasts'].includes(name))
        expect(body.$ref, `${name} body`).toMatch(/^#\/components\/schemas\/\w+$/);
    }
    expect((doc.paths['/v1/series']?.get as Operation).responses['200']?.content?.['application/json']?.schema).toEqual(
      {
        $ref: `${COMPONENT}SeriesResponse`,
      },
    );
    const series = (doc.paths['/v1/series']?.get as Operation).parameters ?? [];
    expect(series.find((p) => p.name === 'resolution')?.schema).toEqual({
      type: 'string',
      enum: ['hour', 'day', 'month', 'year'],
      default: 'hour',
    });
    expect(series.find((p) => p.name === 'format')?.description).toMatch(/^json, csv/);
    // Every reference resolves, and every component is referred to (or is a route's query).
    const referred = new Set(refs(doc).map((r) => r.slice(COMPONENT.length)));
    for (const name of referred) expect(schemas, name).toHaveProperty(name);
    for (const name of Object.keys(schemas)) expect(referred.has(name) || /Query|Params/.test(name), name).toBe(true);
  });

  it('generates a typed client whose calls type-check, and refuses wrong ones', async () => {
    const doc = await servedOpenApiDocument();
    // defaultNonNullable off: a request field with a default may be left out (the document lists
    // it as not required); an answer's defaulted field is required in the answer's own schema.
    const types = astToString(await openapiTS(doc as never, { defaultNonNullable: false }));
    writeFileSync(join(dir, 'api.d.ts'), types);
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          lib: ['es2022', 'dom'],
          types: [],
          skipLibCheck: false,
        },
        files: ['client.ts', 'api.d.ts'],
      }),
    );
    // The generated types name the components: a modeler's code can say SeriesRow.
    expect(types).toMatch(/SeriesRow: \{/);
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  }, 60_000);
});
