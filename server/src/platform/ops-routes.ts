import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { OpsAccess } from '../config/index.js';
import { AppError } from '../shared/errors.js';

/**
 * The operator's routes: /metrics, /docs (and its assets) and /openapi.json. Each group can ask
 * for a token with the admin scope (METRICS_ACCESS, DOCS_ACCESS), and all of them can move to a
 * port of their own (OPS_PORT): then the API port answers 404 there, and the ops port serves
 * nothing else but /healthz and /readyz (on both ports, for probes).
 */
const OPS_SOCKET = Symbol('ledgerline.opsPort');

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route of the operator's (metrics, docs; health is served on both ports): see platform/ops-routes.ts. */
    ops?: 'metrics' | 'docs' | 'health';
  }
}

export interface OpsOptions {
  metricsAccess: OpsAccess;
  docsAccess: OpsAccess;
  /** Served on a port of their own (serveOps) and not on the API port. */
  separatePort: boolean;
}

function opsKind(url: string): 'metrics' | 'docs' | 'health' | undefined {
  if (url === '/healthz' || url === '/readyz') return 'health';
  if (url === '/metrics') return 'metrics';
  if (url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/')) return 'docs';
  return undefined;
}

/** Call before the metrics and docs routes are registered (it marks them as they are added). */
export function registerOpsAccess(app: FastifyInstance, opts: OpsOptions): void {
  app.addHook('onRoute', (route) => {
    const kind = opsKind(route.url);
    if (!kind) return;
    if (kind === 'health') {
      route.config = { ...route.config, ops: 'health' };
      return;
    }
    const access = kind === 'metrics' ? opts.metricsAccess : opts.docsAccess;
    route.config = {
      ...route.config,
      ops: kind,
      ...(access === 'admin' && { auth: { scope: 'admin', tenant: false } }),
    };
  });
  if (!opts.separatePort) return;
  // Before authentication: the wrong port answers as if the route did not exist.
  app.addHook('onRequest', async (request) => {
    const onOpsPort = (request.raw as IncomingMessage & { [OPS_SOCKET]?: boolean })[OPS_SOCKET] === true;
    const ops = request.routeOptions.config.ops;
    if (ops !== 'health' && (ops !== undefined) !== onOpsPort) {
      throw new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`);
    }
  });
}

/** Listens on the ops port: every request there is routed by the app, marked as coming from it. */
export async function serveOps(
  app: FastifyInstance,
  port: number,
  host: string,
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    (req as IncomingMessage & { [OPS_SOCKET]?: boolean })[OPS_SOCKET] = true;
    app.routing(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const close = async () => {
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { server, port: (server.address() as AddressInfo).port, close };
}
