// The dashboard page the apiserver serves at /ui/. The agent bundle carries it as a string
// (scripts/build.mjs defines NODEKUBE_DASHBOARD_HTML); running from source (tests, tsx) builds
// it once on first request, as the bundle's build did.
declare const NODEKUBE_DASHBOARD_HTML: string | undefined;

let page: Promise<string> | undefined;

export function dashboardHtml(): Promise<string> {
  page ??=
    typeof NODEKUBE_DASHBOARD_HTML === 'string'
      ? Promise.resolve(NODEKUBE_DASHBOARD_HTML)
      : import('./build-page').then((m) => m.buildPage());
  return page;
}
