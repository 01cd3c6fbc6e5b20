/**
 * Not a test file: a trap on every way a Node process can reach the network. Importing this module installs it (so a
 * test file that imports it FIRST has it in place before any app module loads and could keep a reference to an
 * original function). Each trapped function records its use (which function, and the stack that called it) and throws,
 * so a use fails loudly where it happens and, even if the caller swallows the error, stays on the record for the test
 * to assert on.
 *
 * Trapped: net.connect / createConnection / Socket.prototype.connect / Server.prototype.listen, tls.connect,
 * http(s).request / get, every dns lookup and resolve function (callback, promises and Resolver forms),
 * dgram.createSocket, and the globals fetch, WebSocket and EventSource (defined as traps when Node lacks them, so code
 * that feature-tests for them is caught too). `syncBuiltinESMExports` makes ESM named imports (`import { request }
 * from 'node:http'`) see the traps as well.
 *
 * What it cannot see: a worker thread's own copies of these modules, and native code opening sockets itself.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

export interface NetworkUse {
  /** e.g. 'net.connect', 'globalThis.fetch' */
  readonly api: string;
  readonly stack: string;
}

const uses: NetworkUse[] = [];

/** Thrown by every trapped function. */
export class NetworkTrapped extends Error {
  constructor(readonly api: string) {
    super(`network use refused by the test trap: ${api}`);
    this.name = 'NetworkTrapped';
  }
}

function record(api: string): never {
  const stack = new Error(api).stack ?? api;
  uses.push({ api, stack });
  throw new NetworkTrapped(api);
}

function trapMethod(owner: object, key: string, api: string): void {
  const current = (owner as Record<string, unknown>)[key];
  if (typeof current !== 'function') return;
  Object.defineProperty(owner, key, {
    configurable: true,
    writable: true,
    value: function trapped() {
      return record(api);
    },
  });
}

function trapGlobal(key: 'fetch' | 'WebSocket' | 'EventSource'): void {
  Object.defineProperty(globalThis, key, {
    configurable: true,
    writable: true,
    value: function trapped() {
      return record(`globalThis.${key}`);
    },
  });
}

function install(): void {
  for (const k of ['connect', 'createConnection']) trapMethod(net, k, `net.${k}`);
  trapMethod(net.Socket.prototype, 'connect', 'net.Socket.prototype.connect');
  trapMethod(net.Server.prototype, 'listen', 'net.Server.prototype.listen');
  trapMethod(tls, 'connect', 'tls.connect');
  for (const k of ['request', 'get']) {
    trapMethod(http, k, `http.${k}`);
    trapMethod(https, k, `https.${k}`);
  }
  const dnsNames = Object.keys(dns).filter((k) => /^(lookup|resolve|reverse)/.test(k));
  for (const k of dnsNames) {
    trapMethod(dns, k, `dns.${k}`);
    trapMethod(dns.promises, k, `dns.promises.${k}`);
    trapMethod(dns.Resolver.prototype, k, `dns.Resolver.prototype.${k}`);
    trapMethod(dns.promises.Resolver.prototype, k, `dns.promises.Resolver.prototype.${k}`);
  }
  trapMethod(dgram, 'createSocket', 'dgram.createSocket');
  trapGlobal('fetch');
  trapGlobal('WebSocket');
  trapGlobal('EventSource');
  syncBuiltinESMExports();
}

install();

/** Every network use recorded since the last call; the record is emptied. */
export function takeNetworkUses(): NetworkUse[] {
  return uses.splice(0);
}

/** The record without emptying it. */
export function networkUses(): readonly NetworkUse[] {
  return [...uses];
}
