// Worker bootstrap in plain JavaScript: registers tsx's loader in this thread (a worker does not
// inherit the parent's --import), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./factors-worker.ts');
