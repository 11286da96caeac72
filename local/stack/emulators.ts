import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { postPolicyMiddleware } from './s3-post-policy';
import type { S3ServerEvents } from './upload-feed';

const require = createRequire(import.meta.url);

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** dynalite in-process; `path` keeps the data on disk between runs, none keeps it in memory. */
export async function startDynalite({
  port = 0,
  host = '127.0.0.1',
  path,
}: {
  port?: number;
  host?: string;
  path?: string;
}): Promise<RunningServer> {
  const dynalite = require('dynalite') as (opts: {
    path?: string;
    createTableMs: number;
    deleteTableMs: number;
    updateTableMs: number;
  }) => Server;
  if (path) mkdirSync(path, { recursive: true });
  const server = dynalite({
    ...(path ? { path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const actual = await listen(server, port, host);
  return { port: actual, url: `http://${host}:${actual}`, close: () => closeServer(server) };
}

/** aws-ses-v2-local in-process (run through npx, its child outlives the parent). Mailbox page at `/`. */
export async function startSesEmulator({
  port = 0,
  host = '127.0.0.1',
}: {
  port?: number;
  host?: string;
}): Promise<RunningServer> {
  type SesStart = (c: { port: number; host: string }) => Promise<Server>;
  // CommonJS seen through ESM: the function is `default`, or `default.default` under tsx.
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: SesStart | { default: SesStart } };
  const start: SesStart = typeof mod.default === 'function' ? mod.default : mod.default.default;
  // The emulator listens itself; port 0 would leave us not knowing where, so find a free one first.
  const chosen = port === 0 ? await freePort(host) : port;
  const server = await start({ port: chosen, host });
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  return { port: chosen, url: `http://${host}:${chosen}`, close: () => closeServer(server) };
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/**
 * s3rver in-process: an S3-compatible server on the local disk (`directory`), or in a temporary
 * directory removed on close when none is given (tests). It checks no signature (V4 is
 * unimplemented in it) and, of a presigned POST's policy, only `content-length-range`, and only
 * through postPolicyMiddleware (the local stand-in of S3's own check): a file outside the range is
 * refused with 400 EntityTooLarge as S3 does; the key and the expiry are not checked. Buckets are
 * created by the stack (ensureBucket).
 */
export async function startS3Server({
  port = 0,
  host = '127.0.0.1',
  directory,
}: {
  port?: number;
  host?: string;
  directory?: string;
}): Promise<RunningServer & S3ServerEvents> {
  type S3rverInstance = {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    middleware: unknown[];
    on(name: 'event', listener: (event: S3Event) => void): void;
    off(name: 'event', listener: (event: S3Event) => void): void;
  };
  const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverInstance;
  const dir = directory ?? mkdtempSync(join(tmpdir(), 'tipline-s3-'));
  mkdirSync(dir, { recursive: true });
  // silent: its request log names object keys; the stack's own logs say what matters.
  const server = new S3rver({ port, address: host, directory: dir, silent: true });
  // First in the stack: an upload outside its policy's size range is refused before s3rver stores it.
  server.middleware.unshift(postPolicyMiddleware());
  const { port: actual } = await server.run();
  return {
    port: actual,
    url: `http://${host}:${actual}`,
    // Each stored, copied or deleted object, as an S3 event notification would carry it.
    onEvent(listener) {
      server.on('event', listener);
      return () => server.off('event', listener);
    },
    async close() {
      // The SDK keeps connections alive; without this, close waits for them to time out.
      (server as unknown as { httpServer?: Server }).httpServer?.closeAllConnections?.();
      await server.close();
      if (!directory) rmSync(dir, { recursive: true, force: true });
    },
  };
}
