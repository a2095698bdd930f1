import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  getNullableType,
  getOperationAST,
  isInputObjectType,
  isListType,
} from 'graphql';
import { type ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { Config } from '@edgefleet/config';
import { DomainError, ERROR_REASONS } from '@edgefleet/domain';

/** extensions of every refusal by a GRAPHQL_MAX_* limit. */
export const TOO_COMPLEX = { code: ERROR_REASONS.QUERY_TOO_COMPLEX, reason: 'QUERY_TOO_COMPLEX' } as const;

/**
 * The limits that need only the document (aliases, depth): validation rules, so Mercurius
 * caches their verdict with the parsed query. The token limit is graphql-js's parse option.
 */
export function queryLimitRules(config: Config): ValidationRule[] {
  const refuse = (limit: number, hint: string) => (context: ValidationContext | null, error: GraphQLError) =>
    context?.reportError(new GraphQLError(`${error.message.replace(/^Syntax Error: /, '')} ${hint}`, { extensions: { ...TOO_COMPLEX, limit } }));
  return [
    maxAliasesRule({ n: config.GRAPHQL_MAX_ALIASES, propagateOnRejection: false, onReject: [refuse(config.GRAPHQL_MAX_ALIASES, 'Split the query into several requests.')] }),
    // Introspection (GraphiQL's docs) nests ofType deeper than any query of ours needs; fragments add no depth of their own.
    maxDepthRule({ n: config.GRAPHQL_MAX_DEPTH, flattenFragments: true, propagateOnRejection: false, onReject: [refuse(config.GRAPHQL_MAX_DEPTH, 'Ask for fewer nested fields.')] }),
  ];
}

/** A list with a page size costs its size times one item: devices(first: 100) prices 100 devices. */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity }) => (typeof args.first === 'number' ? 1 + Math.max(args.first, 0) * childComplexity : undefined);
/** A field's own `complexity` first, then pages, then 1 per field. */
const fieldEstimators = [fieldExtensionsEstimator(), pageEstimator, simpleEstimator({ defaultComplexity: 1 })];

/** Items a list argument may hold (anywhere in an input), unless LONG_LISTS says more. */
export const LIST_MAX_ITEMS = 100;
/** The lists that take more, by `InputType.field`: a job or a rollout for up to 10,000 named devices. */
const LONG_LISTS: Record<string, number> = { 'CreateJobForDevicesInput.deviceIds': 10_000, 'RolloutTargetInput.deviceIds': 10_000 };

/** The items of every list in an argument value (refusing a list over its bound), named `Type.field` for messages. */
function listItems(value: unknown, type: GraphQLInputType, name: string): number {
  const t = getNullableType(type);
  if (value === null || value === undefined) return 0;
  if (isListType(t)) {
    const items = Array.isArray(value) ? value : [value];
    const max = LONG_LISTS[name] ?? LIST_MAX_ITEMS;
    if (items.length > max) throw new DomainError('INVALID_ARGUMENT', `${name}: at most ${max} items, not ${items.length}.`, { field: name, limit: max });
    return items.reduce((n: number, v) => n + listItems(v, t.ofType, name), items.length);
  }
  if (!isInputObjectType(t) || typeof value !== 'object') return 0;
  const fields = t.getFields();
  return Object.entries(value).reduce((n, [k, v]) => n + (fields[k] ? listItems(v, fields[k].type, `${t.name}.${k}`) : 0), 0);
}

/** Every item of a list argument costs one more (a tag filter of 100 tags is a heavier query than one of 1). */
const estimators: ComplexityEstimator[] = [
  (options) => {
    const own = options.field.args.reduce((n, a) => n + listItems(options.args[a.name], a.type, `${options.field.name}.${a.name}`), 0);
    for (const estimate of fieldEstimators) {
      const cost = estimate(options);
      if (typeof cost === 'number') return cost + own;
    }
    return own;
  },
];

/** The operation the request runs: an unknown name, or several operations and none named, is the caller's mistake. */
export function assertOperation(document: DocumentNode, operationName: string | undefined): void {
  if (getOperationAST(document, operationName)) return;
  const message = operationName
    ? `Unknown operation named "${operationName.slice(0, 100)}": the document defines ${document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : [])).join(', ') || 'no operation'}.`
    : 'The document defines several operations: name the one to run in operationName.';
  throw new DomainError('INVALID_QUERY', message, { field: 'operationName' });
}

/** How deep variables may nest (a shadow document nests 6 levels at most): walked without recursion, before anything else reads them. */
export const MAX_VARIABLE_DEPTH = 32;

/** Refuses variables nested deeper than MAX_VARIABLE_DEPTH, which would exhaust the stack of whatever walks them next. */
export function assertVariableDepth(variables: unknown): void {
  const stack: [unknown, number][] = [[variables, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_VARIABLE_DEPTH) {
      throw new DomainError('INVALID_ARGUMENT', `Variables nest deeper than ${MAX_VARIABLE_DEPTH} levels.`, { field: 'variables', limit: MAX_VARIABLE_DEPTH });
    }
    for (const v of Object.values(value)) stack.push([v, depth + 1]);
  }
}

/**
 * Costs already computed, per parsed document (Mercurius caches documents by query text, so a
 * client that repeats a query gets the same object) and per operation and variables: pricing a
 * page of 50 devices walked the whole document on every request.
 */
const priced = new WeakMap<DocumentNode, Map<string, number | undefined>>();

/** Refuses, before any resolver runs, an operation costing more than GRAPHQL_MAX_COST. */
export function assertQueryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, limit: number): void {
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  let costs = priced.get(document);
  if (!costs) priced.set(document, (costs = new Map()));
  if (!costs.has(key)) {
    if (costs.size >= 100) costs.clear();
    costs.set(key, priceOf(schema, document, variables, operationName, limit));
  }
  const cost = costs.get(key);
  if (cost !== undefined && cost > limit) {
    throw new DomainError(
      'QUERY_TOO_COMPLEX',
      `This query costs ${cost}, more than the limit of ${limit}: ask for smaller pages (first), fewer fields or fewer aliases, or split it into several requests.`,
      { cost, limit },
    );
  }
}

/** The query's cost; undefined when variables are missing or wrong (execution refuses them before any resolver runs). */
function priceOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, limit: number): number | undefined {
  try {
    return getComplexity({ schema, query: document, variables, operationName, estimators });
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    // Fragments spread over and over can expand past what is worth pricing.
    if (/maximum allowed number of nodes/.test(err.message)) throw new DomainError('QUERY_TOO_COMPLEX', `This query expands to too many fields to run; the cost limit is ${limit}.`, { limit });
    return undefined;
  }
}

/** How many mutation fields the operation runs (aliases and fragments included): each one counts against the mutation rate. */
export function mutationCount(document: DocumentNode, operationName: string | undefined): number {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  // Validation has refused fragment cycles by now.
  const count = (set: SelectionSetNode): number =>
    set.selections.reduce((n, s) => {
      if (s.kind === Kind.FIELD) return n + 1;
      const inner = s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments.get(s.name.value);
      return n + (inner ? count(inner) : 0);
    }, 0);
  return document.definitions.reduce(
    (n, d) => (d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation' && (!operationName || d.name?.value === operationName) ? n + count(d.selectionSet) : n),
    0,
  );
}
