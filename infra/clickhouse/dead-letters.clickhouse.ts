import type { DeadLetterSink, ReadingStore } from '../../processing';
import type { DeadLetter } from '../../schemas';

/**
 * Dead letters of the embedded mode, which has no dead-letter topic: they become reject rows
 * (source kind `bus`) so they survive a restart and show in the rejects view.
 */
export function createStoreDeadLetterSink(store: ReadingStore): DeadLetterSink {
  return {
    publish: (letters: readonly DeadLetter[]) =>
      store.insertRejects(
        letters.map((l) => ({
          receivedAt: l.failedAt,
          centre: '',
          sourceKind: 'bus',
          sourceId: `${l.origin.topic}/${l.origin.partition}`,
          recordIndex: Number(l.origin.offset),
          station: l.key ?? '',
          pollutant: '',
          time: null,
          timeWritten: '',
          code: l.code,
          field: '',
          reason: l.reason,
          record: l.value,
        })),
      ),
  };
}
