import { isDateParam } from '../schemas';
import { cstMidnightMs, DAY_MS, HOUR_MS, InputError } from '../kernel';

export interface Range {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

/**
 * Resolves `from`/`to` as the public contract reads times. Dates select whole natural days in
 * CST, both included; instants are taken as given, `from` included and `to` excluded.
 * `hourEnding`: the times compared are hour-ending labels, so natural day D is the hours ending
 * D 01:00 … D+1 00:00 (labels 01–24); otherwise D is [D 00:00, D+1 00:00).
 */
export function resolveRange(
  from: string | undefined,
  to: string | undefined,
  dflt: Range,
  hourEnding: boolean,
): Range {
  const shift = hourEnding ? HOUR_MS : 0;
  const fromMs = from === undefined ? dflt.fromMs : isDateParam(from) ? cstMidnightMs(from) + shift : Date.parse(from);
  const toMs = to === undefined ? dflt.toMs : isDateParam(to) ? cstMidnightMs(to) + DAY_MS + shift : Date.parse(to);
  if (!(fromMs < toMs)) {
    throw new InputError(
      'QUERY_INVALID_RANGE',
      `the range is empty: from ${from ?? 'default'} is not before to ${to ?? 'default'}`,
      { from, to },
    );
  }
  return { fromMs, toMs };
}
