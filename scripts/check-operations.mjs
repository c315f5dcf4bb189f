#!/usr/bin/env node
// The real-client contract check of .ci/run. Every operation in docs/queries/*.graphql and every
// operation the web app's code generator wrote (web/src/gql/graphql.ts, documentMode
// documentNode) is
//   1. validated against the committed SDL (schema/schema.graphql) with graphql-js `validate`;
//   2. run against a running server by urql (@urql/core) with its Automatic Persisted Queries
//      exchange (@urql/exchange-persisted) as a front end sends it: a query by its hash over GET,
//      the query itself after a `PersistedQueryNotFound`, then by its hash alone again, which must
//      answer over GET with a `Cache-Control` max-age; a mutation over POST; a subscription over
//      the WebSocket (graphql-ws, as the web app sends it), which must be accepted and give no
//      error for a while (no event is provoked: the Python suite checks what events deliver).
// Any GraphQL error, network error or validation error fails the check. With
// WOONZORG_EXPECT_PERSISTED_ONLY=true (the server runs WOONZORG_PERSISTED_ONLY=true) an operation
// of neither set must also be refused with PERSISTED_QUERY_NOT_ALLOWED, so the check proves the
// allow-list holds both sets as urql sends them.
//
// Its packages are its own (scripts/package.json and its lockfile; `npm ci --prefix scripts`):
//   WOONZORG_URL=http://127.0.0.1:8000/graphql WOONZORG_TOKEN=wz_… node scripts/check-operations.mjs
// Variables for operations with required ones: scripts/operation-variables.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { Kind, buildSchema, parse, validate } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { variables as knownVariables, variablesFor } from './operation-variables.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const url = process.env.WOONZORG_URL ?? 'http://127.0.0.1:8000/graphql';
const token = process.env.WOONZORG_TOKEN;
const expectPersistedOnly = process.env.WOONZORG_EXPECT_PERSISTED_ONLY === 'true';
const schema = buildSchema(readFileSync(join(root, 'schema/schema.graphql'), 'utf8'));

function documentedOperations() {
  const folder = join(root, 'docs/queries');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => ({
      source: `docs/queries/${name}`,
      document: parse(readFileSync(join(folder, name), 'utf8')),
    }));
}

// One exported document per line: `export const XDocument = {"kind":"Document",…} as unknown as …`
// (the same reading as the server's registry, schema/persisted.py).
const GENERATED = /^export const (\w+) = (\{"kind":"Document".*\}) as unknown as /gm;

function webOperations() {
  const path = 'web/src/gql/graphql.ts';
  const text = readFileSync(join(root, path), 'utf8');
  const found = [...text.matchAll(GENERATED)]
    .map(([, name, json]) => ({ source: `${path}:${name}`, document: JSON.parse(json) }))
    .filter(({ document }) => document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION));
  if (!found.length) throw new Error(`${path}: no generated operation documents found`);
  return found;
}

const operationOf = (document) => document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);

// Every request the client makes, to check how APQ went (hash alone or with the query, GET or
// POST, the Cache-Control answered).
let requests = [];
async function recordingFetch(input, init = {}) {
  const method = (init.method ?? 'GET').toUpperCase();
  const target = typeof input === 'string' ? input : input.url;
  let sentQuery = true;
  if (method === 'GET') sentQuery = new URL(target).searchParams.has('query');
  else if (typeof init.body === 'string') sentQuery = JSON.parse(init.body).query !== undefined;
  const response = await fetch(input, init);
  requests.push({ method, sentQuery, cacheControl: response.headers.get('cache-control') ?? '' });
  return response;
}

const SUBSCRIPTION_QUIET_MS = 1500;
const authorization = token ? { Authorization: `Bearer ${token}` } : {};
const ws = createWsClient({
  url: url.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: authorization,
  retryAttempts: 0,
});

const client = new Client({
  url,
  exchanges: [
    persistedExchange({ preferGetForPersistedQueries: 'within-url-limit' }),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
      }),
    }),
  ],
  fetch: recordingFetch,
  fetchOptions: () => ({
    headers: {
      Accept: 'application/graphql-response+json, application/json;q=0.9',
      ...authorization,
    },
  }),
  requestPolicy: 'network-only',
});

function problem(result) {
  if (!result.error) return result.data ? null : 'no data';
  const { networkError, graphQLErrors } = result.error;
  if (networkError) return `network error: ${networkError.message}`;
  return graphQLErrors
    .map((e) => `${e.extensions?.code ?? 'no code'}: ${e.message}${e.path ? ` at ${e.path.join('.')}` : ''}`)
    .join('; ');
}

function needsVariables(operation, name) {
  const required = (operation.variableDefinitions ?? []).filter(
    (v) => v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue,
  );
  return required.length && !(name in knownVariables)
    ? `required variables without an entry in scripts/operation-variables.mjs: ${required
        .map((v) => `$${v.variable.name.value}`)
        .join(', ')}`
    : null;
}

async function run(kind, document, variables) {
  requests = [];
  const call = kind === 'mutation' ? client.mutation : client.query;
  const result = await call.call(client, document, variables).toPromise();
  return { result, requests };
}

// A query: the first run may miss and send the query; the second goes by hash alone over GET.
async function checkQuery(document, variables) {
  const first = await run('query', document, variables);
  const failed = problem(first.result);
  if (failed) return { failed };
  const [opening] = first.requests;
  if (!opening || opening.sentQuery) return { failed: 'the first request did not go by hash alone' };
  const missed = first.requests.length > 1;
  if (missed && !first.requests[1].sentQuery) return { failed: 'the miss was not followed by the query' };
  const second = await run('query', document, variables);
  const failedAgain = problem(second.result);
  if (failedAgain) return { failed: `by hash: ${failedAgain}` };
  const [byHash] = second.requests;
  if (second.requests.length !== 1 || byHash.method !== 'GET' || byHash.sentQuery) {
    return { failed: `the second run was not one GET by hash: ${JSON.stringify(second.requests)}` };
  }
  if (!/max-age=\d+/.test(byHash.cacheControl)) {
    return { failed: `a GET by hash without a cacheable answer (${byHash.cacheControl || 'no Cache-Control'})` };
  }
  return { note: `${missed ? 'miss, registered, then' : 'registered hash, then again'} GET by hash; ${byHash.cacheControl}` };
}

// What mutations answered that later operations need (the dry-run upload's submission).
const found = {};

async function checkMutation(document, variables) {
  const { result } = await run('mutation', document, variables);
  const failed = problem(result);
  const answer = result.data && Object.values(result.data)[0];
  if (answer?.submission?.id) found.submissionId = answer.submission.id;
  return failed ? { failed } : { note: `POST; answered ${answer?.__typename ?? 'data'}` };
}

// A subscription: accepted over the WebSocket and quiet (no error) for a while.
function checkSubscription(document, variables) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve(outcome);
    };
    const subscription = client.subscription(document, variables).subscribe((result) => {
      const failed = problem(result);
      settle(failed ? { failed } : { note: 'WebSocket; an event arrived' });
    });
    const timer = setTimeout(
      () => settle({ note: `WebSocket; subscribed, no error in ${SUBSCRIPTION_QUIET_MS} ms` }),
      SUBSCRIPTION_QUIET_MS,
    );
  });
}

async function checkNotAllowed() {
  const document = parse('query NotRegistered { jurisdictions(first: 1) { totalCount } }');
  const { result } = await run('query', document, {});
  const codes = result.error?.graphQLErrors.map((e) => e.extensions?.code) ?? [];
  return codes.includes('PERSISTED_QUERY_NOT_ALLOWED')
    ? { note: 'an operation of neither set is refused (PERSISTED_QUERY_NOT_ALLOWED)' }
    : { failed: `an unregistered operation was not refused: ${problem(result) ?? 'it ran'}` };
}

let failures = 0;
let count = 0;
function report(name, { failed, note }) {
  count += 1;
  if (failed) {
    failures += 1;
    console.error(`FAIL ${name}: ${failed}`);
  } else {
    console.log(`ok   ${name} (${note})`);
  }
}

const kindOf = ({ document }) => operationOf(document).operation;
const operations = [...documentedOperations(), ...webOperations()];
// Subscriptions last: they may need what a mutation made (a submission to watch).
const ordered = [
  ...operations.filter((o) => kindOf(o) !== 'subscription'),
  ...operations.filter((o) => kindOf(o) === 'subscription'),
];
const checks = { query: checkQuery, mutation: checkMutation, subscription: checkSubscription };
for (const { source, document } of ordered) {
  const operation = operationOf(document);
  const name = operation.name?.value ?? source;
  const invalid = validate(schema, document);
  if (invalid.length) {
    report(source, { failed: `invalid against schema/schema.graphql: ${invalid.map((e) => e.message).join('; ')}` });
    continue;
  }
  const missing = needsVariables(operation, name);
  if (missing) {
    report(source, { failed: missing });
    continue;
  }
  try {
    report(source, await checks[operation.operation](document, variablesFor(name, found) ?? {}));
  } catch (error) {
    report(source, { failed: `${error}` });
  }
}
if (expectPersistedOnly) report('allow-list', await checkNotAllowed());

await ws.dispose();
console.log(`${count - failures}/${count} checks ok`);
process.exit(failures ? 1 : 0);
