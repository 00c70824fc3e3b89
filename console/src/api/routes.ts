// Every API path the console calls, as OpenAPI path templates. The end-to-end test checks each against the
// server's live /openapi.json, so a route renamed on the server fails the build instead of the console.
export const ROUTES = {
  forkliftAll: '/apis/forklift.konveyor.io/v1beta1/{plural}',
  forkliftList: '/apis/forklift.konveyor.io/v1beta1/namespaces/{namespace}/{plural}',
  forkliftOne: '/apis/forklift.konveyor.io/v1beta1/namespaces/{namespace}/{plural}/{name}',
  coreList: '/api/v1/namespaces/{namespace}/{plural}',
  coreOne: '/api/v1/namespaces/{namespace}/{plural}/{name}',
  inventoryProviders: '/providers',
  inventoryProvider: '/providers/{type}/{uid}',
  inventoryList: '/providers/{type}/{uid}/{collection}',
  inventoryTree: '/providers/{type}/{uid}/tree/{name}',
  planLog: '/apis/forklift.konveyor.io/v1beta1/namespaces/{namespace}/plans/{name}/log',
  plugins: '/api/v1/plugins',
  session: '/console/auth/session',
} as const;

export type RouteName = keyof typeof ROUTES;

// The methods the console sends on each route and the kinds it names in {plural}: checked against the same
// document (each method declared, each kind in the route's plural enum).
export const ROUTE_METHODS: Record<RouteName, readonly string[]> = {
  forkliftAll: ['get'],
  forkliftList: ['get', 'post'],
  forkliftOne: ['get', 'put', 'patch', 'delete'],
  coreList: ['get', 'post'],
  coreOne: ['get', 'patch', 'delete'],
  inventoryProviders: ['get'],
  inventoryProvider: ['get'],
  inventoryList: ['get'],
  inventoryTree: ['get'],
  planLog: ['get'],
  plugins: ['get'],
  session: ['get', 'post', 'delete'],
};

/** Fills a template's {params}, each percent-encoded. */
export function path(route: RouteName, params: Record<string, string> = {}): string {
  return ROUTES[route].replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`route ${route} needs ${k}`);
    return encodeURIComponent(v);
  });
}
