import { type Config, zEnv } from '../../schemas/config';
import { AppError } from '../errors';

/**
 * Parses the environment once, reporting every problem at once as `VAR: problem`. Values are
 * never echoed, so a malformed secret cannot leak into a terminal or a log.
 * The only module that reads process.env (STYLE.md rule 5).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(zEnv.def.in.shape);
  const picked = Object.fromEntries(known.map((k) => [k, env[k]]));
  const parsed = zEnv.safeParse(picked);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
  throw new AppError('CONFIG_INVALID', problems.join('\n'), { problems });
}
