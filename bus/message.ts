/** One message as the bus delivered it; `value` is undecoded so malformed input can be dead-lettered. */
export interface BusMessage {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
}
