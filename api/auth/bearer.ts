import type { FastifyRequest } from 'fastify';
import { InputError } from '../../kernel';
import type { Centre } from '../../schemas';
import type { KeyVerifier } from './centre-keys';

export interface Caller {
  centre: Centre;
  keyId: string;
}

/** The centre behind a request's bearer key, or a 401 that never says which part was wrong. */
export function authenticate(request: FastifyRequest, verifier: KeyVerifier): Caller {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  const found = match?.[1] ? verifier.verify(match[1]) : undefined;
  if (!found) {
    throw new InputError('AUTH_KEY_INVALID', 'a valid centre key is required: Authorization: Bearer <key>');
  }
  return { centre: found.centre, keyId: found.id };
}
