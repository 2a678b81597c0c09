/**
 * A page cursor: a value as base64url JSON, opaque to the client (the series' and the changes'
 * `next`). Decoding gives the value, or undefined when the text is not a cursor of that shape;
 * the caller says why in its own terms.
 */
export const encodePageCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodePageCursor<T>(cursor: string, isShape: (value: unknown) => value is T): T | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return isShape(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
