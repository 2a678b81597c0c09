import type { SourceFormat } from '../../schemas';
import type { FeedAdapter } from '../feed-adapter';
import { ahJson } from './ah-json';
import { cnemcArchive } from './cnemc-archive';
import { jsXml } from './js-xml';
import { shJson } from './sh-json';
import { zjCsv } from './zj-csv';

/** Every source format's adapter; a format without one is a compile error (ARCHITECTURE.md rule 8). */
export const ADAPTERS = {
  'sh-json': shJson,
  'js-xml': jsXml,
  'zj-csv': zjCsv,
  'ah-json': ahJson,
  'cnemc-archive': cnemcArchive,
} satisfies Record<SourceFormat, FeedAdapter>;
