/** A store that cannot start or be reached, said in one line for the operator. */
export class StoreError extends Error {
  override name = 'StoreError'
}

/** The bundled store's own database user: owns the store (collector, aggregator, `qa` commands). */
export const WRITER_USER = 'qa_writer'
