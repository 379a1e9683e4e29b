/**
 * Shapes of the portal-session and stats calls as issue 10 specifies them, until the OpenAPI
 * document describes them; then `npm run dashboard:api-types` regenerates schema.d.ts and these
 * become aliases of its components (client.ts imports them from here only).
 */
export interface PortalSessionCreate {
  tenant: string;
  expires_in_seconds?: number;
  read_only?: boolean;
}

export interface PortalSession {
  id: string;
  token: string;
  url: string;
  tenant: string;
  read_only: boolean;
  expires_at: string;
}

export interface DeliveryStatsBucket {
  start: string;
  delivered: number;
  failed: number;
  retrying: number;
  attempts: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface DeliveryStats {
  buckets: DeliveryStatsBucket[];
}
