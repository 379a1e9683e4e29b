import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { createDeliveryAgents } from './guarded-agents';

/** Idle keep-alive sockets are closed after this long (receivers often close theirs after 5 s). */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

/**
 * The connection pools of every delivery request: keep-alive agents shared by all attempts, so a
 * busy endpoint is not paying a TCP/TLS handshake per event. This is the one place that builds them
 * (a connect-time address check belongs in these agents).
 */
@Injectable()
export class HttpAgents implements OnApplicationShutdown {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;

  constructor(@Inject(HOOKLINE_CONFIG) config: HooklineConfig) {
    // The SSRF guard checks every address a socket connects to, unless ALLOW_PRIVATE_URLS=true.
    // Bounded per origin (agents pool by host and port): a busy receiver sees at most that many connections per worker.
    const agents = createDeliveryAgents({
      allowPrivate: config.allowPrivateUrls,
      keepAlive: true,
      timeout: FREE_SOCKET_TIMEOUT_MS,
      scheduling: 'lifo',
      maxSockets: config.maxSocketsPerOrigin,
      maxFreeSockets: config.maxSocketsPerOrigin,
    });
    this.http = agents.httpAgent;
    this.https = agents.httpsAgent;
  }

  /** After the workers have finished their in-flight attempts. */
  onApplicationShutdown(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
