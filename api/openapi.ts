import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_COMPONENTS } from '../schemas';

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type TransformObject = NonNullable<FastifyDynamicSwaggerOptions['transformObject']>;

const COMPONENT = '#/components/schemas/';
/** The route schemas that OpenAPI lists as parameters, one by one, rather than as one schema. */
const PARAMETER_PARTS = ['querystring', 'params', 'headers'] as const;

/**
 * Gives each of schemas/'s named API schemas its id in zod's registry, which the type provider
 * reads (its description and other metadata kept). Idempotent.
 */
function nameComponents(): void {
  for (const [id, schema] of Object.entries(API_COMPONENTS))
    z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), id });
}

/** The registry id of a zod schema, if it has one. */
const idOf = (schema: unknown): string | undefined =>
  schema instanceof z.ZodType ? (z.globalRegistry.get(schema)?.id as string | undefined) : undefined;

/** The same schema without its registry entry: the same definition, so the same fields and checks. */
const unnamed = (schema: z.ZodType): z.ZodType =>
  new (schema._zod.constr as new (def: unknown) => z.ZodType)(schema._zod.def);

/** Every `#/components/schemas/…` name a part of the document refers to. */
function refsIn(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsIn(v, into);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(COMPONENT)) into.add(v.slice(COMPONENT.length));
      else refsIn(v, into);
    }
  return into;
}

/**
 * The OpenAPI transforms of the zod type provider, set up so that every named schema
 * (`API_COMPONENTS`, schemas/api/components.ts) is a component and a `$ref` wherever a route or another schema
 * uses it, which is what a client generator turns into named types:
 * - a body or response is a `$ref` to its component (the provider's own behaviour);
 * - a querystring, path parameters or headers are listed as parameters, which @fastify/swagger
 *   does only from an inline object (it cannot follow a `$ref` there), so the route gets the schema
 *   without its id; its fields still refer to their components, and the whole query stays a
 *   component as the provider names input schemas: `<id>Input` (`SeriesQueryInput`);
 * - the provider emits every registered schema twice, as input (`<id>Input`) and as output
 *   (`<id>`); the components kept are those the document refers to, and the named parameter sets.
 */
export function openApiTransforms(): { transform: Transform; transformObject: TransformObject } {
  nameComponents();
  const parameterSets = new Set<string>();
  const transform: Transform = (doc) => {
    const schema = { ...(doc.schema as Record<string, unknown>) };
    for (const part of PARAMETER_PARTS) {
      const id = idOf(schema[part]);
      if (id === undefined) continue;
      parameterSets.add(`${id}Input`);
      schema[part] = unnamed(schema[part] as z.ZodType);
    }
    return jsonSchemaTransform({ ...doc, schema } as Parameters<typeof jsonSchemaTransform>[0]);
  };
  const transformObject: TransformObject = (doc) => {
    const out = jsonSchemaTransformObject(doc) as ReturnType<TransformObject> & {
      paths?: unknown;
      components?: { schemas?: Record<string, unknown> };
    };
    const all = out.components?.schemas ?? {};
    const keep = refsIn(out.paths, new Set(parameterSets));
    // What the kept components refer to in turn.
    for (let grew = true; grew;) {
      const before = keep.size;
      for (const name of [...keep]) refsIn(all[name], keep);
      grew = keep.size > before;
    }
    const schemas = Object.fromEntries(
      Object.keys(all)
        .filter((name) => keep.has(name))
        .sort()
        .map((name) => [name, all[name]]),
    );
    return { ...out, components: { ...out.components, schemas } } as ReturnType<TransformObject>;
  };
  return { transform, transformObject };
}
