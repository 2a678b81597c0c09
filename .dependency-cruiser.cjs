// The import rules of ARCHITECTURE.md, checked by `npm run lint`. A room is a top-level folder
// (each folder of tools/ is a room of its own); its index.ts is its door.
const ROOM = '(app|kernel|schemas|bus|ingest|processing|views|api|infra|tools/[^/]+)';
const TESTS = ['^test/', '\\.test\\.ts$', '\\.testkit\\.ts$'];

/** What each room may import besides itself: the arrows of ARCHITECTURE.md. */
const MAY_IMPORT = {
  kernel: [],
  schemas: ['kernel'],
  bus: ['kernel', 'schemas'],
  ingest: ['kernel', 'schemas'],
  processing: ['kernel', 'schemas', 'bus'],
  views: ['kernel', 'schemas'],
  api: ['kernel', 'schemas', 'ingest', 'views'],
  infra: ['kernel', 'schemas', 'bus', 'ingest', 'processing', 'views', 'api'],
  'tools/kafka-broker': ['kernel'],
  'tools/simulator': ['kernel', 'schemas', 'ingest'],
  app: ['kernel', 'schemas', 'bus', 'ingest', 'processing', 'views', 'api', 'infra', 'tools/simulator'],
  'tools/bench': [
    'kernel',
    'schemas',
    'bus',
    'ingest',
    'processing',
    'views',
    'api',
    'infra',
    'app',
    'tools/simulator',
    'tools/kafka-broker',
  ],
};
const ROOMS = Object.keys(MAY_IMPORT);
const folder = (room) => `^${room}/`;

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'The import graph has no cycle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...ROOMS.map((room) => ({
      name: `arrows-from-${room.replace('/', '-')}`,
      comment: `${room}/ imports only ${MAY_IMPORT[room].join(', ') || 'itself'} (ARCHITECTURE.md).`,
      severity: 'error',
      from: { path: folder(room), pathNot: TESTS },
      to: { path: `^${ROOM}/`, pathNot: [folder(room), ...MAY_IMPORT[room].map(folder)] },
    })),
    {
      name: 'doors-only',
      comment: 'Another room is entered by its door (its index.ts), never a file behind it.',
      severity: 'error',
      from: { path: `^${ROOM}/`, pathNot: TESTS },
      to: { path: `^${ROOM}/.+`, pathNot: ['^$1/', `^${ROOM}/index\\.ts$`, '\\.(sql|csv|xml|json|mjs)$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules', '^dist', '^data', '^\\.cache'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
