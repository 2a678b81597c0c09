import type { ClickHouseClient } from '@clickhouse/client';

/**
 * A statement's answer column by column (FORMAT JSONCompactColumns): one parse of the whole answer
 * instead of one per row, and no object per row (a year of the region's city days is ~100 k rows;
 * row objects were most of what such a view left for the garbage collector). `[]` when there are
 * no rows, which ClickHouse writes as `[]` or as nothing at all.
 */
export async function queryColumns<C extends unknown[][]>(
  client: ClickHouseClient,
  query: string,
  query_params: Record<string, unknown>,
): Promise<C | []> {
  const res = await client.exec({ query: `${query}\nFORMAT JSONCompactColumns`, query_params });
  const chunks: Buffer[] = [];
  for await (const c of res.stream as AsyncIterable<Buffer | string>)
    chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  const columns = (text === '' ? [] : JSON.parse(text)) as C | [];
  return columns.length === 0 || (columns[0] as unknown[]).length === 0 ? [] : columns;
}
