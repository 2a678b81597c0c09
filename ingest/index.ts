export type { ReadingSink } from './reading-sink';
