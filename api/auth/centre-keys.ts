import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { AppError, writeJsonFile } from '../../kernel';
import { zCentreKeysFile, type CentreKey, type CentreKeysFile, type Centre } from '../../schemas';

/**
 * Centre push keys (`yrd-air keys issue <centre>` / `keys revoke <centre>`). A key is 32
 * random bytes, so a plain SHA-256 is enough to store it (no password-style stretching needed);
 * the file holds only hashes. Verification compares hashes in constant time.
 */
const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The keys in the file. A missing file and an empty one (zero bytes, or only whitespace, as
 * `touch` or a mounted empty secret leaves it) both mean no keys yet; anything else must be the
 * keys file, else it is a configuration error naming the variable (ARCHITECTURE.md rule 5).
 */
function readKeys(file: string): CentreKeysFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { keys: [] };
    throw new AppError(
      'CONFIG_INVALID',
      `CENTRE_KEYS_FILE: ${file} cannot be read (${(err as Error).message})`,
      undefined,
      {
        cause: err,
      },
    );
  }
  if (text.trim() === '') return { keys: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      'CONFIG_INVALID',
      `CENTRE_KEYS_FILE: ${file} is not JSON (${(err as Error).message})`,
      undefined,
      {
        cause: err,
      },
    );
  }
  const keys = zCentreKeysFile.safeParse(parsed);
  if (!keys.success) {
    const issue = keys.error.issues[0];
    throw new AppError(
      'CONFIG_INVALID',
      `CENTRE_KEYS_FILE: ${file} is not a keys file (${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return keys.data;
}

function writeKeys(file: string, keys: CentreKeysFile): void {
  writeJsonFile(file, keys, { indent: 2, mode: 0o600 });
}

/** Issues a new key for a centre; returns the key, which is shown once and never stored. */
export function issueKey(file: string, centre: Centre, now = new Date()): { id: string; key: string } {
  const id = randomBytes(4).toString('hex');
  const key = `yrd_${centre}_${id}_${randomBytes(32).toString('base64url')}`;
  const keys = readKeys(file);
  keys.keys.push({ id, centre, sha256: sha256(key).toString('hex'), issuedAt: now.toISOString(), revokedAt: null });
  writeKeys(file, keys);
  return { id, key };
}

/** Revokes every active key of a centre; returns how many. */
export function revokeKeys(file: string, centre: Centre, now = new Date()): number {
  const keys = readKeys(file);
  let n = 0;
  for (const k of keys.keys) {
    if (k.centre === centre && k.revokedAt === null) {
      k.revokedAt = now.toISOString();
      n++;
    }
  }
  writeKeys(file, keys);
  return n;
}

export interface KeyVerifier {
  /** The key's centre and id, or undefined for an unknown or revoked key. */
  verify(presented: string): { centre: Centre; id: string } | undefined;
}

/** Verifies bearer keys against the file, re-reading it when it changes (issue/revoke while running). */
export function createKeyVerifier(file: string): KeyVerifier {
  let active: CentreKey[] = [];
  let stamp = -1;
  const refresh = (): void => {
    let mtime = 0;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      mtime = 0;
    }
    if (mtime !== stamp) {
      active = readKeys(file).keys.filter((k) => k.revokedAt === null);
      stamp = mtime;
    }
  };
  return {
    verify(presented) {
      refresh();
      const hash = sha256(presented);
      let found: CentreKey | undefined;
      // Compare with every key, in constant time each, and do not stop early.
      for (const k of active) {
        if (timingSafeEqual(hash, Buffer.from(k.sha256, 'hex')) && !found) found = k;
      }
      return found ? { centre: found.centre, id: found.id } : undefined;
    },
  };
}
