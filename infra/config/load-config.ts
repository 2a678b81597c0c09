import { type Config, zEnv, type FeedDefinition, type TargetRule } from '../../schemas';
import { loadFeedsFile } from './load-feeds';
import { loadTargetsFile } from './load-targets';
import { AppError } from '../../kernel';

/**
 * Parses the environment once, reporting every problem at once as `VAR: problem`. Values are
 * never echoed, so a malformed secret cannot leak into a terminal or a log.
 * The only module that reads process.env (ARCHITECTURE.md rule 5).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(zEnv.def.in.shape);
  const picked = Object.fromEntries(known.map((k) => [k, env[k]]));
  const parsed = zEnv.safeParse(picked);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
  let feeds: FeedDefinition[] | undefined;
  if (parsed.success && parsed.data.feedsFile !== undefined) {
    const loaded = loadFeedsFile(parsed.data.feedsFile, env);
    problems.push(...loaded.problems);
    feeds = loaded.feeds;
  }
  let targets: TargetRule[] | undefined;
  if (parsed.success && parsed.data.targetsFile !== undefined) {
    const loaded = loadTargetsFile(parsed.data.targetsFile);
    problems.push(...loaded.problems);
    targets = loaded.targets;
  }
  if (!parsed.success || problems.length > 0) throw new AppError('CONFIG_INVALID', problems.join('\n'), { problems });
  return { ...parsed.data, feeds, targets };
}
