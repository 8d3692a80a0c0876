import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { Authenticator, newToken } from './clients/clients.js';
import type { Config } from './config/config.js';
import { FileKeyStore } from './crypto/file-key-store.js';
import { createApp } from './http/app.js';
import { buildOpenApi } from './http/openapi.js';
import type { RouteSpec } from './http/route.js';
import { adminRoutes } from './http/routes/admin.js';
import { credentialRoutes } from './http/routes/credentials.js';
import { healthCodeRoutes } from './http/routes/health-codes.js';
import { qrRoutes } from './http/routes/qr.js';
import { statusListRoutes } from './http/routes/status-lists.js';
import { systemRoutes } from './http/routes/system.js';
import { trustAnchorRoutes } from './http/routes/trust-anchor.js';
import { licenceRoutes } from './http/routes/licences.js';
import { sealRoutes } from './http/routes/seals.js';
import { verifyRoutes } from './http/routes/verify.js';
import { placeholderAuthorityCode } from './credentials/licence/authority.js';
import { licenceTextVerifier } from './credentials/licence/text-verifier.js';
import { SealKeyVault } from './credentials/seal/seal-key-vault.js';
import { SealService } from './credentials/seal/seal-service.js';
import { sealDetachedVerifier } from './credentials/seal/verification/detached-verifier.js';
import { PathCache } from './credentials/seal/verification/path-cache.js';
import { isFederatedSealCa, RemoteCrlCache, RevocationSources } from './credentials/seal/verification/remote-crls.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { loadOrCreateRegionPki, type RegionPki } from './pki/region-pki.js';
import { x509 } from './pki/x509.js';
import { LocalStatusLists } from './status/local-status-lists.js';
import { openDatabase, type Database } from './storage/database.js';
import { Federation } from './trust/federation/federation.js';
import { federationMetrics } from './trust/federation/metrics.js';
import type { TrustMaterial } from './trust/trust-material.js';
import { statusByIssuerSource } from './status/remote-status-cache.js';
import { trustRoutes } from './http/routes/trust.js';
import { DEFAULT_POLICY, type VerificationPolicy } from './verification/policy.js';
import { callerAnchoredTrust } from './verification/caller-trust.js';
import { CredentialVerifier } from './verification/verify-credential.js';

export const VERSION = '0.1.0';
const STATUS_REFRESH_MS = 5_000;

/** A running region node: its HTTP server and the parts tests and the CLI reach into. */
export interface TongbanNode {
  config: Config;
  url: string;
  server: Server;
  knex: Knex;
  database: Database;
  pki: RegionPki;
  adminToken: string;
  logger: Logger;
  metrics: Metrics;
  statusLists: LocalStatusLists;
  verifier: CredentialVerifier;
  federation: Federation;
  trust(): TrustMaterial;
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Starts one region's node: database (migrated), keys (generated on first start), trust material,
 * status lists, HTTP. The socket is bound first so that the public URL is known (PORT=0 in tests)
 * before anything that embeds it — status-list URIs in credentials — is built.
 */
export async function startNode(config: Config, options: { logger?: Logger } = {}): Promise<TongbanNode> {
  const logger = options.logger ?? createLogger(config.logLevel, { region: config.region });
  const metrics = new Metrics();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  const { knex } = database;
  const timers: NodeJS.Timeout[] = [];
  const stoppables: (() => Promise<void>)[] = [];
  const server = createServer();
  try {
    const keyStore = new FileKeyStore(config.keysDir, config.keysPassphrase);
    const pki = await loadOrCreateRegionPki(keyStore, config.region);
    const adminToken = config.adminToken ?? (await keyStore.secret('admin.token', newToken));

    // Slow or stuck clients must not hold sockets forever (slowloris).
    server.requestTimeout = 30_000;
    server.headersTimeout = 15_000;
    server.keepAliveTimeout = 5_000;
    // Until the app is wired, answer rather than leave early callers (load balancers) hanging.
    server.on('request', answerStarting);
    const port = await listen(server, config.port, config.host);
    // The default public URL names the configured port; with PORT=0 (tests) it must name the real one.
    const publicUrl = config.publicUrl.endsWith(':0') ? config.publicUrl.replace(/:0$/, `:${port}`) : config.publicUrl;
    const nodeConfig: Config = { ...config, port, publicUrl };

    const statusLists = new LocalStatusLists(knex, {
      publicUrl,
      // Keys archived by rotation still sign the lists of the credentials they issued.
      signers: new Map(
        [pki.healthCodeIssuer, pki.licenceIssuer, ...(await keyStore.archived('health-code-issuer')), ...(await keyStore.archived('licence-issuer'))].map((s) => [s.kid, s]),
      ),
      ttlSeconds: config.statusListTtlSeconds,
    });
    await statusLists.refresh();
    // Memory follows the database: other nodes of the region change statuses in a shared database, and
    // on any backend a reload that failed after a commit must not leave a revocation unseen for good.
    const statusTimer = setInterval(() => statusLists.refresh().catch((err) => logger.warn({ err }, 'status list refresh failed')), STATUS_REFRESH_MS);
    statusTimer.unref();
    timers.push(statusTimer);

    watchKeyCertificates(pki, metrics, logger);

    const seals = new SealService({ knex, region: config.region, sealCa: pki.sealCa, vault: await SealKeyVault.open(keyStore), publicUrl });
    await seals.crl();
    // Keeps the in-memory CRL fresh (reissued at half its life) and picks up other nodes' revocations.
    const crlTimer = setInterval(() => seals.crl().catch((err) => logger.warn({ err }, 'seal CRL refresh failed')), 60_000);
    crlTimer.unref();
    timers.push(crlTimer);

    const federation = await Federation.start({
      knex,
      databaseKind: database.kind,
      databaseUrl: config.databaseUrl,
      schema: config.databaseSchema,
      pki,
      publicUrl,
      logger,
      metrics: federationMetrics(metrics),
      graceSeconds: config.trustListGraceSeconds,
      schedule: { intervalMs: config.trustSyncIntervalSeconds * 1000 },
      hubId: config.trustHubId,
    });
    stoppables.push(() => federation.stop());
    // One immutable snapshot per verification, swapped by the federation when trust changes.
    const trust = () => federation.trust.index;
    // This region's seal CA answers from memory; federated partners' seal CAs from CRLs fetched on first use.
    const remoteCrls = new RemoteCrlCache(isFederatedSealCa(trust));
    const sealVerification = { revocation: new RevocationSources(seals.crlPublisher, remoteCrls), pathCache: new PathCache() };
    const policy: VerificationPolicy = { ...DEFAULT_POLICY, clockSkewSeconds: config.clockSkewSeconds };
    const verifier = new CredentialVerifier({
      trust,
      status: statusByIssuerSource(statusLists, federation.remoteStatus),
      policy,
      callerTrust: callerAnchoredTrust,
      licence: licenceTextVerifier,
      seal: sealDetachedVerifier(sealVerification),
    });

    const routes: RouteSpec[] = [];
    const openApi = buildOpenApiOnce(() => buildOpenApi(routes, { version: VERSION, region: config.region }));
    routes.push(
      ...systemRoutes({ metrics, openApi, ready: () => knex.raw('select 1').then(() => true, () => false) }),
      ...healthCodeRoutes({ knex, signer: pki.healthCodeIssuer, statusLists, region: config.region, issuerUrl: publicUrl, pseudonymKey: pki.pseudonymKey, metrics }),
      ...credentialRoutes({ knex, statusLists }),
      ...verifyRoutes({ verifier, metrics }),
      ...statusListRoutes({ statusLists, ttlSeconds: config.statusListTtlSeconds }),
      ...trustAnchorRoutes({ pki }),
      ...licenceRoutes({
        knex,
        issuer: {
          signer: pki.licenceIssuer,
          region: config.region,
          publicUrl,
          authorityCode: config.licenceAuthorityCode ?? placeholderAuthorityCode(config.region),
          statusLists,
          pseudonymKey: pki.pseudonymKey,
        },
        metrics,
      }),
      ...sealRoutes({ seals, trust, verification: sealVerification }),
      ...trustRoutes({ federation }),
      ...adminRoutes({ knex }),
      ...qrRoutes(),
    );
    const app = createApp({ logger, metrics, authenticator: new Authenticator(knex, adminToken), routes });
    server.off('request', answerStarting);
    server.on('request', app.callback());
    logger.info({ url: publicUrl, database: database.kind }, 'node started');

    return {
      config: nodeConfig,
      url: publicUrl,
      server,
      knex,
      database,
      pki,
      adminToken,
      logger,
      metrics,
      statusLists,
      verifier,
      trust,
      federation,
      async close() {
        for (const timer of timers) clearInterval(timer);
        for (const stop of stoppables) await stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await database.close();
      },
    };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    for (const stop of stoppables) await stop().catch(() => {});
    if (server.listening) server.close();
    await database.close();
    throw error;
  }
}

function answerStarting(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  response.end(JSON.stringify({ error: { code: 'STARTING', message: 'the node is starting; try again in a moment' } }));
}

function buildOpenApiOnce(build: () => Record<string, unknown>): () => Record<string, unknown> {
  let doc: Record<string, unknown> | undefined;
  return () => (doc ??= build());
}

const EXPIRY_WARNING_MS = 30 * 24 * 3600 * 1000;

/** Exposes each key certificate's expiry as a metric and warns at start when one is near or past. */
function watchKeyCertificates(pki: RegionPki, metrics: Metrics, logger: Logger): void {
  const keys = { anchor: pki.anchor, 'issuing-ca': pki.issuingCa, 'seal-ca': pki.sealCa, 'health-code-issuer': pki.healthCodeIssuer, 'licence-issuer': pki.licenceIssuer, 'trust-list-signer': pki.trustListSigner };
  for (const [key, signer] of Object.entries(keys)) {
    const notAfter = new x509.X509Certificate(new Uint8Array(signer.certificateChain[0]!)).notAfter;
    metrics.keyCertificateExpiry.set({ key }, notAfter.getTime() / 1000);
    if (notAfter.getTime() - Date.now() < EXPIRY_WARNING_MS) logger.warn({ key, notAfter }, 'key certificate expires within 30 days: rotate it (docs/keys.md)');
  }
}
