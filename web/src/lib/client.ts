// The GraphQL client: urql with Graphcache (normalised by the Relay global ids), HTTP for queries
// and mutations (file uploads as GraphQL multipart requests), graphql-transport-ws for
// subscriptions. Credentials come from ./auth only.
import { Client, fetchExchange, subscriptionExchange } from 'urql';
import { cacheExchange, type Cache, type KeyingConfig } from '@urql/exchange-graphcache';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import schema from '../gql/introspection';
import { authHeaders, wsConnectionParams } from './auth';
import { apiUrl, wsUrl } from './api';

type IntrospectionType = { kind: string; name: string; fields?: { name: string }[] | null };

/** Types without an `id` are embedded in their parent (citations, summaries, results). */
export function keylessTypes(): KeyingConfig {
  const keys: KeyingConfig = {};
  for (const type of (schema as unknown as { __schema: { types: IntrospectionType[] } }).__schema.types) {
    if (type.kind === 'OBJECT' && !type.name.startsWith('__') && !(type.fields ?? []).some((f) => f.name === 'id')) {
      if (!['Query', 'Mutation', 'Subscription'].includes(type.name)) keys[type.name] = () => null;
    }
  }
  return keys;
}


let current: { token: string | null; client: Client; dispose: () => void } | null = null;

/**
 * The client of an identity (a token, or none): made once per identity, so what one token saw is
 * never shown to another, and shared by React and the route loaders that prefetch.
 */
export function clientFor(token: string | null): Client {
  if (current && current.token === token) return current.client;
  current?.dispose();
  const made = makeClient();
  current = { token, ...made };
  return made.client;
}

export function makeClient(): { client: Client; dispose: () => void } {
  let ws: WsClient | null = null;
  const socket = () =>
    (ws ??= createWsClient({
      url: wsUrl(),
      connectionParams: () => wsConnectionParams(),
      retryAttempts: 20,
      shouldRetry: () => true,
      lazy: true,
    }));
  const client = new Client({
    url: apiUrl('/graphql'),
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ credentials: 'same-origin', headers: { ...authHeaders(), Accept: 'application/graphql-response+json, application/json' } }),
    exchanges: [
      cacheExchange({
        schema,
        keys: keylessTypes(),
        updates: {
          Mutation: {
            // New or decided submissions change the lists: ask the server again.
            uploadSubmission: (_result, _args, cache) => invalidateField(cache, 'submissions'),
            submitObservations: (_result, _args, cache) => invalidateField(cache, 'submissions'),
            approveSubmission: (_result, _args, cache) => invalidateField(cache, 'submissions'),
            returnSubmission: (_result, _args, cache) => invalidateField(cache, 'submissions'),
            reportMeasureStatus: (_result, _args, cache) => invalidateField(cache, 'overdueMeasures'),
            // Lists of objects without an id, or that gained or lost one: ask again.
            inviteUser: (_result, _args, cache) => invalidateField(cache, 'users'),
            updateUser: (_result, _args, cache) => invalidateField(cache, 'users'),
            createToken: (_result, _args, cache) => invalidateField(cache, 'apiTokens'),
            revokeToken: (_result, _args, cache) => invalidateField(cache, 'apiTokens'),
            createOrganisation: (_result, _args, cache) => invalidateField(cache, 'organisations'),
            updateOrganisation: (_result, _args, cache) => invalidateField(cache, 'organisations'),
            setReportingObligation: (_result, args, cache) => {
              invalidateField(cache, 'missingReports');
              invalidateOrganisationField(cache, String(args.organisation), 'reportingObligations');
            },
            // An organisation's scope (its list and its count) is asked again after a change.
            grantScope: (_result, args, cache) => invalidateOrganisationField(cache, String(args.organisation), 'reportingScope'),
            revokeScope: (_result, args, cache) => invalidateOrganisationField(cache, String(args.organisation), 'reportingScope'),
            subscribeWebhook: (_result, _args, cache) => invalidateField(cache, 'webhookSubscriptions'),
            unsubscribeWebhook: (_result, _args, cache) => invalidateField(cache, 'webhookSubscriptions'),
            createProject: (_result, _args, cache) => invalidateField(cache, 'projects'),
            updateProject: (_result, _args, cache) => invalidateField(cache, 'projects'),
            moveProjectPhase: (_result, _args, cache) => invalidateField(cache, 'projects'),
          },
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws?.dispose() };
}

function invalidateField(cache: Cache, field: string) {
  for (const info of cache.inspectFields('Query')) {
    if (info.fieldName === field) cache.invalidate('Query', info.fieldKey);
  }
}

/**
 * Invalidates `field` (every page and count of it) on the cached organisation with this code, as
 * found in the cached `organisations` lists (mutations name an organisation by its code).
 */
export function invalidateOrganisationField(cache: Cache, code: string, field: string) {
  const organisations = new Set<string>();
  for (const info of cache.inspectFields('Query')) {
    if (info.fieldName !== 'organisations') continue;
    const connection = cache.resolve('Query', info.fieldKey);
    if (typeof connection !== 'string') continue;
    const nodes = cache.resolve(connection, 'nodes');
    for (const node of Array.isArray(nodes) ? nodes : []) {
      if (typeof node === 'string' && cache.resolve(node, 'code') === code) organisations.add(node);
    }
  }
  for (const organisation of organisations) {
    for (const info of cache.inspectFields(organisation)) {
      if (info.fieldName === field) cache.invalidate(organisation, info.fieldKey);
    }
  }
}
