import { readFileSync } from 'node:fs';
import { validate } from 'node-cron';
import { zFeedsFile, type FeedDefinition, type Secret } from '../../schemas';

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
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return {
      problems: [
        `${where}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON: ${(err as Error).message}`}`,
      ],
    };
  }
  const parsed = zFeedsFile.safeParse(json);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => `${where}: ${i.path.join('.') || '(file)'}: ${i.message}`) };
  }
  const problems: string[] = [];
  const resolve = (secret: Secret, at: string): Secret => {
    if (typeof secret === 'string') return secret;
    const value = env[secret.env];
    if (value === undefined || value === '')
      problems.push(`${where}: ${at}: environment variable ${secret.env} is not set`);
    return value ?? secret;
  };
  const feeds = parsed.data.feeds.map((feed, i) => {
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
