import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * The dependency review as a check that runs with every test run (docs/dependencies.md
 * has the reasoning). The npm registry's audit endpoint does not answer on this network, so the
 * known advisories for packages in or near our tree are kept here, each with the GitHub Advisory
 * id, and the lockfile is checked against them; what danfojs-node would bring is refused outright.
 */
const ADVISORIES: readonly { pkg: string; range: string; id: string; what: string }[] = [
  {
    pkg: 'xlsx',
    range: '<0.19.3',
    id: 'GHSA-4r6h-8v6p-xvw6 (CVE-2023-30533)',
    what: 'prototype pollution reading a crafted file',
  },
  { pkg: 'xlsx', range: '<0.20.2', id: 'GHSA-5pgg-2g8v-p4x9 (CVE-2024-22363)', what: 'ReDoS reading a crafted file' },
  {
    pkg: 'request',
    range: '<=2.88.2',
    id: 'GHSA-p8p7-x288-28g6 (CVE-2023-28155)',
    what: 'SSRF bypass on cross-protocol redirect; deprecated, never fixed',
  },
  {
    pkg: 'form-data',
    range: '<2.5.4 || >=3.0.0 <3.0.4 || >=4.0.0 <4.0.4',
    id: 'GHSA-fjxv-7rqg-78g4 (CVE-2025-7783)',
    what: 'predictable multipart boundary (Math.random)',
  },
  { pkg: 'tough-cookie', range: '<4.1.3', id: 'GHSA-72xf-g2v4-qvf3 (CVE-2023-26136)', what: 'prototype pollution' },
  {
    pkg: 'node-fetch',
    range: '<2.6.7 || >=3.0.0 <3.1.1',
    id: 'GHSA-r683-j2x4-v87g (CVE-2022-0235)',
    what: 'cookie/authorization headers forwarded on redirect',
  },
  { pkg: 'cross-spawn', range: '<6.0.6 || >=7.0.0 <7.0.5', id: 'GHSA-3xgq-45jj-v275 (CVE-2024-21538)', what: 'ReDoS' },
  {
    pkg: 'nanoid',
    range: '<3.3.8 || >=4.0.0 <5.0.9',
    id: 'GHSA-mwcw-c2x4-8c55 (CVE-2024-55565)',
    what: 'predictable ids for non-integer sizes',
  },
  {
    pkg: 'brace-expansion',
    range: '<=1.1.11 || >=2.0.0 <=2.0.1',
    id: 'GHSA-v6h2-p8h4-qcjw (CVE-2025-5889)',
    what: 'ReDoS',
  },
  {
    pkg: 'tar-fs',
    range: '<1.16.5 || >=2.0.0 <2.1.4 || >=3.0.0 <3.1.1',
    id: 'GHSA-vj76-c3g6-qr5v (CVE-2025-59343)',
    what: 'symlink validation bypass extracting a crafted tarball',
  },
  { pkg: 'esbuild', range: '<=0.24.2', id: 'GHSA-67mh-4wv8-2f99', what: 'development server answers any website' },
  {
    pkg: 'protobufjs',
    range: '>=7.0.0 <7.2.5',
    id: 'GHSA-h755-8qp9-cq85 (CVE-2023-36665)',
    what: 'prototype pollution',
  },
  {
    pkg: 'semver',
    range: '<5.7.2 || >=6.0.0 <6.3.1 || >=7.0.0 <7.5.2',
    id: 'GHSA-c2qf-rxjj-qqgw (CVE-2022-25883)',
    what: 'ReDoS in range parsing',
  },
  {
    pkg: 'cookie',
    range: '<0.7.0',
    id: 'GHSA-pxg6-pf52-xh8x (CVE-2024-47764)',
    what: 'out-of-bounds characters in cookie name/path/domain',
  },
  {
    pkg: 'ws',
    range: '>=8.0.0 <8.17.1 || >=7.0.0 <7.5.10',
    id: 'GHSA-3h5v-q93c-6h6q (CVE-2024-37890)',
    what: 'DoS by many HTTP headers',
  },
  {
    pkg: 'fast-xml-parser',
    range: '<4.4.1',
    id: 'GHSA-mpg4-rc92-vx8v (CVE-2024-41818)',
    what: 'ReDoS in currency parsing',
  },
  {
    pkg: 'undici',
    range: '>=4.5.0 <5.28.5 || >=6.0.0 <6.21.1 || >=7.0.0 <7.2.3',
    id: 'GHSA-c76h-2ccp-4975 (CVE-2025-22150)',
    what: 'predictable multipart boundary',
  },
];

/**
 * Packages refused outright, with the reason: danfojs-node 1.2 and what only it would bring.
 * The factor analysis (views/apportionment/pmf.ts) is written on typed arrays instead.
 */
const REFUSED: Readonly<Record<string, string>> = {
  'danfojs-node': 'pulls xlsx from a CDN tarball, request (SSRF, deprecated) and @tensorflow/tfjs-node',
  '@tensorflow/tfjs-node': 'downloads a native libtensorflow at install time (no network here; not from the registry)',
  request: 'deprecated; GHSA-p8p7-x288-28g6 never fixed',
  xlsx: 'the registry copy stops at 0.18.5, affected by both SheetJS advisories',
};

/** Packages allowed an install script, and why it is harmless here. */
const INSTALL_SCRIPTS: Readonly<Record<string, string>> = {
  chdb: 'links the engine shipped inside the npm package itself',
  esbuild: 'checks the platform binary that came from the registry as @esbuild/<platform>',
  'cpu-features': 'optional native build for ssh2 (testcontainers, dev only); a failure is ignored',
  ssh2: 'optional native build (testcontainers, dev only); a failure is ignored',
  protobufjs: 'optional version check (kafkajs does not use it at run time)',
};

interface LockPackage {
  version?: string;
  resolved?: string;
  hasInstallScript?: boolean;
  dev?: boolean;
}
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockPackage>;
};
const installed = Object.entries(lock.packages)
  .filter(([path]) => path.startsWith('node_modules/'))
  .map(([path, p]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), path, ...p }));

describe('dependency review: the lockfile against the advisories we track', () => {
  it('reads a real lockfile', () => {
    expect(installed.length).toBeGreaterThan(300);
    expect(installed.find((p) => p.name === 'fastify')?.version).toMatch(/^5\./);
  });

  it('has no package at a version an advisory covers', () => {
    const hits = installed.flatMap((p) =>
      ADVISORIES.filter((a) => a.pkg === p.name && p.version && semver.satisfies(p.version, a.range)).map(
        (a) => `${p.path}@${p.version}: ${a.id} — ${a.what}`,
      ),
    );
    expect(hits).toEqual([]);
  });

  it('the advisory ranges catch what they should (each checked on a version known to be affected)', () => {
    const affected: Record<string, string> = {
      xlsx: '0.18.5',
      request: '2.88.2',
      'form-data': '2.3.3',
      'tough-cookie': '2.5.0',
      'node-fetch': '2.6.1',
      'cross-spawn': '7.0.3',
      nanoid: '3.3.6',
      'brace-expansion': '1.1.11',
      'tar-fs': '2.1.1',
      esbuild: '0.19.0',
      protobufjs: '7.2.4',
      semver: '7.5.1',
      cookie: '0.6.0',
      ws: '8.17.0',
      'fast-xml-parser': '4.2.5',
      undici: '5.28.4',
    };
    for (const a of ADVISORIES)
      expect(semver.satisfies(affected[a.pkg] as string, a.range), `${a.pkg} ${a.range}`).toBe(true);
  });

  it('refuses danfojs-node and what it would bring; every package comes from the npm registry', () => {
    expect(installed.filter((p) => REFUSED[p.name]).map((p) => `${p.name}: ${REFUSED[p.name]}`)).toEqual([]);
    expect(
      installed
        .filter((p) => p.resolved && !p.resolved.startsWith('https://registry.npmjs.org/'))
        .map((p) => `${p.path} from ${p.resolved}`),
    ).toEqual([]);
  });

  it('runs install scripts only of the packages listed with their reason', () => {
    expect(installed.filter((p) => p.hasInstallScript && !INSTALL_SCRIPTS[p.name]).map((p) => p.path)).toEqual([]);
  });
});
