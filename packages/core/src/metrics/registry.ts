import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * The pipeline's Prometheus metrics, one registry per process. Labels carry reasons and
 * tables, never a visitor, an address or a path.
 */
export function createMetrics() {
  const registry = new Registry()
  const m = {
    registry,
    accepted: new Counter({ name: 'qa_events_accepted_total', help: 'Events accepted for storage', registers: [registry] }),
    dropped: new Counter({ name: 'qa_events_dropped_total', help: 'Events refused on purpose or invalid, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    spoolBytes: new Gauge({ name: 'qa_spool_bytes', help: 'Bytes of batches waiting in the local spool', registers: [registry] }),
    spoolBatches: new Gauge({ name: 'qa_spool_batches', help: 'Batches waiting in the local spool', registers: [registry] }),
    spoolQuarantined: new Gauge({ name: 'qa_spool_quarantined_batches', help: 'Spooled batches set aside as unreadable or refused for their content (qa spool replay)', registers: [registry] }),
    spoolReservedBytes: new Gauge({ name: 'qa_spool_reserved_bytes', help: 'Spool bytes held for the rows in memory, so that everything accepted can still be spooled', registers: [registry] }),
    spoolCapacityBytes: new Gauge({ name: 'qa_spool_capacity_bytes', help: "This collector process's share of SPOOL_MAX_BYTES", registers: [registry] }),
    buffered: new Gauge({ name: 'qa_ingest_buffered_rows', help: 'Rows held in memory waiting for the store', registers: [registry] }),
    batchRows: new Histogram({ name: 'qa_flush_rows', help: 'Rows per insert', labelNames: ['table'] as const, buckets: [1, 10, 100, 1000, 5000, 20000], registers: [registry] }),
    flushSeconds: new Histogram({ name: 'qa_flush_duration_seconds', help: 'Insert latency', labelNames: ['table', 'result'] as const, buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] }),
    lastRollup: new Gauge({ name: 'qa_rollup_last_success_timestamp_seconds', help: 'When the last rollup finished', registers: [registry] }),
    rollupSeconds: new Histogram({ name: 'qa_rollup_duration_seconds', help: 'Duration of a site-day rollup', buckets: [0.1, 0.5, 1, 5, 30, 120, 600], registers: [registry] }),
    purgedRows: new Counter({ name: 'qa_purged_raw_rows_total', help: 'Raw rows dropped by the purge, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    neverRolledRows: new Counter({ name: 'qa_purged_never_rolled_rows_total', help: 'Raw rows dropped at the TTL before any rollup saw them', registers: [registry] }),
  }
  return m
}

export type Metrics = ReturnType<typeof createMetrics>
