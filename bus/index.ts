export { decodeMessage, refusedReason } from './decode';
export { encodeReadings, encodeRejects, type OutgoingMessage, type PartitionOf } from './reading-messages';
export type { BusMessage } from './message';
