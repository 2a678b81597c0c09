import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { servedOpenApiDocument } from './openapi.testkit';

/**
 * The OpenAPI document is generated from the zod schemas; this snapshot makes every change of the
 * public contract a reviewed diff (ARCHITECTURE.md rule 4). After an intended change: `npx vitest run -u`.
 */
describe('OpenAPI document', () => {
  it('lists every route and matches the committed docs/openapi.json', async () => {
    const doc = await servedOpenApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/readyz',
      '/v1/apportionment/factors',
      '/v1/apportionment/regional',
      '/v1/apportionment/transport',
      '/v1/aqi',
      '/v1/aqi/hourly',
      '/v1/aqi/latest',
      '/v1/centres/summary',
      '/v1/centres/{centre}/scorecard',
      '/v1/changes',
      '/v1/compliance',
      '/v1/compliance/forecast',
      '/v1/exceptional-days',
      '/v1/feeds',
      '/v1/flags',
      '/v1/forecasts',
      '/v1/forecasts/consultation',
      '/v1/forecasts/verification',
      '/v1/ozone',
      '/v1/readings',
      '/v1/rejects',
      '/v1/series',
      '/v1/species',
      '/v1/stations',
      '/v1/trends',
    ]);
    // Valid OpenAPI 3.1 by the specification's own JSON schema.
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('../docs/openapi.json');
  });
});
