export { decodeMessage, refusedReason } from './decode';
export { encodeReadings, encodeRejects } from './encode';
export type { BusMessage, OutgoingMessage, PartitionOf } from './message';
