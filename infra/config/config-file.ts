import type { z } from 'zod';
import { readJsonFile } from '../../kernel';

/**
 * Reads a JSON configuration file and validates it: its data, or every problem as
 * `<where>: <field path>: <problem>` (`<where>: no such file`, `<where>: not valid JSON: …`).
 */
export function readConfigFile<S extends z.ZodType>(
  where: string,
  path: string,
  schema: S,
): { data: z.infer<S>; problems?: undefined } | { data?: undefined; problems: string[] } {
  let json: unknown;
  try {
    json = readJsonFile(path);
  } catch (err) {
    return {
      problems: [
        `${where}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON: ${(err as Error).message}`}`,
      ],
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return { problems: parsed.error.issues.map((i) => `${where}: ${i.path.join('.') || '(file)'}: ${i.message}`) };
  return { data: parsed.data };
}
