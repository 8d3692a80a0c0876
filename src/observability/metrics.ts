import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The node's Prometheus metrics; one registry per node so several nodes can run in one process (tests). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'tongban_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly verifications = new Counter({
    name: 'tongban_verifications_total',
    help: 'Verification reports by credential type, indication and sub-indication',
    labelNames: ['type', 'indication', 'sub_indication'] as const,
    registers: [this.registry],
  });
  readonly issuances = new Counter({
    name: 'tongban_issuances_total',
    help: 'Credentials issued by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly trustSync = new Counter({
    name: 'tongban_trust_sync_total',
    help: 'Peer trust-list syncs by region and outcome',
    labelNames: ['region', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly trustedIssuers = new Gauge({
    name: 'tongban_trusted_issuers',
    help: 'Issuer keys in the current trust material, by region',
    labelNames: ['region'] as const,
    registers: [this.registry],
  });
  readonly peerStale = new Gauge({
    name: 'tongban_peer_stale',
    help: '1 when a peer trust list is past its next update plus grace',
    labelNames: ['region'] as const,
    registers: [this.registry],
  });

  readonly keyCertificateExpiry = new Gauge({
    name: 'tongban_key_certificate_expiry_timestamp_seconds',
    help: "notAfter of each of this node's key certificates (alert well before it: issuance then fails closed)",
    labelNames: ['key'] as const,
    registers: [this.registry],
  });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'tongban_' });
  }
}
