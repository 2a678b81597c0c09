import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyVerifier, issueKey, revokeKeys } from './centre-keys';

const dir = mkdtempSync(join(tmpdir(), 'yrd-air-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the centre keys file', () => {
  it('reads an empty file (zero bytes, or whitespace) as no keys yet', () => {
    for (const [name, text] of [
      ['empty.json', ''],
      ['blank.json', ' \n'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      expect(createKeyVerifier(file).verify('yrd_shanghai_00000000_x')).toBeUndefined();
      expect(revokeKeys(file, 'shanghai')).toBe(0);
      const { key } = issueKey(file, 'shanghai');
      expect(createKeyVerifier(file).verify(key)).toMatchObject({ centre: 'shanghai' });
      expect((JSON.parse(readFileSync(file, 'utf8')) as { keys: unknown[] }).keys).toHaveLength(1);
    }
  });

  it('refuses a file that is not a keys file with CONFIG_INVALID naming the variable', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"keys": [{"id": 1}]');
    expect(() => issueKey(file, 'anhui')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/^CENTRE_KEYS_FILE: .* is not JSON/),
      }),
    );
    writeFileSync(file, '{"keys": [{"id": 1}]}');
    expect(() => issueKey(file, 'anhui')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/is not a keys file \(keys\.0\./),
      }),
    );
  });
});
