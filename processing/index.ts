export { createProcessor } from './create-processor';
export type { Processor, ProcessorDeps, BatchResult } from './create-processor';
export type { DeadLetterSink, ReadingSource, SourceBatch } from './reading-source';
export type { ReadingStore, Revision, RevisionContent, RevisionScope, RejectRow } from './reading-store';
export { createProcessingMetrics, type ProcessingMetrics } from './metrics';
export { explainBatch, type Explained } from './qc/qc.rules';
export { MAX_PLAUSIBLE, PM_TOLERANCE } from './qc/qc.rules';
export { CONSTANT_RUN, SPIKE } from './qc/temporal';
