import type { Metrics } from '../../observability/metrics.js';
import type { FederationMetrics } from './peer-sync.js';

/** Feeds the node's Prometheus metrics from the sync engine's hooks. */
export function federationMetrics(metrics: Metrics): FederationMetrics {
  return {
    syncOutcome: (region, outcome, code) => metrics.trustSync.inc({ region, outcome: code ? `${outcome}:${code}` : outcome }),
    peerState: (region, state) => {
      metrics.peerStale.set({ region }, state.stale ? 1 : 0);
      metrics.trustedIssuers.set({ region }, state.issuers);
    },
  };
}
