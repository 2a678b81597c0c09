import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  zComplianceQuery,
  zComplianceResponse,
  type ComplianceQuery,
  type ComplianceResponse,
  zErrorBody,
} from '../../schemas';

/** `GET /v1/compliance?level=&id=&year=`: annual statistics, validity, verdicts, composite index, good days. */
export const complianceRoutes: FastifyPluginAsyncZod<{
  compliance: (q: ComplianceQuery) => Promise<ComplianceResponse>;
}> = async (app, opts) => {
  app.get(
    '/v1/compliance',
    {
      schema: {
        tags: ['statistics'],
        summary: 'Annual statistics and compliance of a station, city, province or region',
        querystring: zComplianceQuery,
        response: { 200: zComplianceResponse, 400: zErrorBody },
      },
    },
    async (request) => opts.compliance(request.query),
  );
};
