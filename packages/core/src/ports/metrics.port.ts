/**
 * What the send path and fan-out report for monitoring (issue #10: latency, error rates,
 * loss). The services call it; a runtime that keeps no metrics hands NO_DELIVERY_METRICS.
 */
export interface DeliveryMetrics {
  /** A sent message was committed (it has its seq), `seconds` after the service took the send. */
  committed(roomId: string, seq: number, seconds: number): void;
  /** Fan-out handed the record (roomId, seq) to the socket bus. */
  emitted(roomId: string, seq: number): void;
}

export const NO_DELIVERY_METRICS: DeliveryMetrics = {
  committed: () => undefined,
  emitted: () => undefined,
};

/** An api node's metrics, as its edges see them: what they count, and what a Prometheus scrape reads. */
export interface RuntimeMetrics extends DeliveryMetrics {
  /** An error answer by its code: a REST error envelope, or a socket ack `{ ok: false }`. */
  refused(code: string, transport: 'rest' | 'socket'): void;
  /** Every metric of this runtime in Prometheus' text format, gauges read now. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

export const RUNTIME_METRICS = Symbol('RuntimeMetrics');
