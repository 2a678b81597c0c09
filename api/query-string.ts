import { parse } from 'node:querystring';

/**
 * An instant whose offset lost its `+`: a query string decodes `+` as a space (HTML form
 * encoding), so a script that sends `from=2025-01-01T00:00:00+08:00` unencoded arrives as
 * `2025-01-01T00:00:00 08:00`. A space never stands anywhere else in an instant, so the form is
 * unambiguous: it can only have been `+`.
 */
const SPACED_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) (\d{2}:\d{2})$/;

/** The instant with its `+` restored where a query string turned it into a space; any other text as it is. */
export const restoreOffsetPlus = (value: string): string => value.replace(SPACED_OFFSET, '$1+$2');

/**
 * fastify's `querystringParser`: the query string decoded as usual (a repeated key gives an
 * array), with each instant's `+` offset restored, so every route and schema reads the instant
 * that was meant (ARCHITECTURE.md invariant 4) instead of refusing it as not a real date.
 */
export function parseQueryString(text: string): Record<string, string | string[]> {
  // No prototype, as fastify's own parser gives: a key `__proto__` stays a plain key.
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of Object.entries(parse(text, '&', '=', { maxKeys: 0 }))) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.map(restoreOffsetPlus) : restoreOffsetPlus(value);
  }
  return out;
}
