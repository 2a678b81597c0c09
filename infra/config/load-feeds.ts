import { validate } from 'node-cron';
import { zFeedsFile, type FeedDefinition, type Secret } from '../../schemas';
import { readConfigFile } from './config-file';

/**
 * Reads and validates FEEDS_FILE. Every problem is reported as `FEEDS_FILE <path>: <field path>:
 * <problem>`, e.g. `feeds.2.baseUrl: expected an http(s) URL`. Secrets given as `{ "env": NAME }`
 * are resolved from `env` here, so no other module reads the environment; their values never
 * appear in a message.
 */
export function loadFeedsFile(
  path: string,
  env: Record<string, string | undefined>,
): { feeds?: FeedDefinition[]; problems: string[] } {
  const where = `FEEDS_FILE ${path}`;
  const file = readConfigFile(where, path, zFeedsFile);
  if (file.problems) return { problems: file.problems };
  const problems: string[] = [];
  const resolve = (secret: Secret, at: string): Secret => {
    if (typeof secret === 'string') return secret;
    const value = env[secret.env];
    if (value === undefined || value === '')
      problems.push(`${where}: ${at}: environment variable ${secret.env} is not set`);
    return value ?? secret;
  };
  const feeds = file.data.feeds.map((feed, i) => {
    if (!validate(feed.schedule)) problems.push(`${where}: feeds.${i}.schedule: not a valid cron expression`);
    const c = feed.credentials;
    const at = `feeds.${i}.credentials`;
    switch (c.type) {
      case 'api-key':
        return { ...feed, credentials: { ...c, key: resolve(c.key, `${at}.key`) } };
      case 'basic':
        return { ...feed, credentials: { ...c, password: resolve(c.password, `${at}.password`) } };
      case 'bearer':
        return { ...feed, credentials: { ...c, token: resolve(c.token, `${at}.token`) } };
      default:
        return feed;
    }
  });
  return problems.length > 0 ? { problems } : { feeds, problems };
}
