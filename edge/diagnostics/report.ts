import { failureKind } from '../log.ts';
import type { BffRuntime } from '../runtime.ts';
import { storeErrorType } from '../store/traced.ts';
import { clock } from '../telemetry/metrics.ts';
import { maskedConfig } from './masked-config.ts';
import { recentEvents } from './recent-events.ts';

/**
 * What `<auth>/diagnostics` shows: the effective configuration (masked), the store's shape and health (a PING, timed),
 * the OpenID provider's discovery facts, and the warnings and errors this process logged, by event.
 */
export async function diagnosticsReport(rt: BffRuntime): Promise<Record<string, unknown>> {
  const [store, provider] = await Promise.all([storeHealth(rt), providerFacts(rt)]);
  return {
    generatedAt: new Date().toISOString(),
    runtime: process.env.NEXT_RUNTIME ?? 'nodejs',
    config: maskedConfig(rt.config),
    store,
    provider,
    recentEvents: Object.fromEntries(recentEvents()),
  };
}

async function storeHealth(rt: BffRuntime): Promise<Record<string, unknown>> {
  const { store } = rt.config;
  if (!store || !rt.commands) return { configured: false, shared: 'nothing: limits, refresh coordination and revocations are per instance' };
  const shape = store.kind === 'redis' ? { kind: 'redis', topology: store.topology, nodes: store.nodes.length, tls: store.tls } : { kind: 'upstash' };
  const started = clock();
  try {
    await rt.commands.command(['PING']);
    return { configured: true, ...shape, healthy: true, pingMs: Math.round((clock() - started) * 10) / 10, settling: rt.store?.settling?.() ?? false };
  } catch (error) {
    return { configured: true, ...shape, healthy: false, errorType: storeErrorType(error) };
  }
}

async function providerFacts(rt: BffRuntime): Promise<Record<string, unknown> | undefined> {
  if (!rt.oidc) return undefined;
  try {
    const m = await rt.oidc.discovery.metadata();
    return {
      issuer: m.issuer,
      endpoints: {
        authorization: m.authorization_endpoint,
        token: m.token_endpoint,
        jwks: m.jwks_uri,
        userinfo: m.userinfo_endpoint,
        endSession: m.end_session_endpoint,
        revocation: m.revocation_endpoint,
        pushedAuthorizationRequest: m.pushed_authorization_request_endpoint,
      },
      tokenEndpointAuthMethods: m.token_endpoint_auth_methods_supported,
      requirePushedAuthorizationRequests: m.require_pushed_authorization_requests ?? false,
      backchannelLogout: m.backchannel_logout_supported ?? false,
      dpopSigningAlgs: m.dpop_signing_alg_values_supported,
    };
  } catch (error) {
    return { reachable: false, errorType: failureKind(error) };
  }
}
