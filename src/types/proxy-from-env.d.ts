/** proxy-from-env ships no types; the one function this tool calls. */
declare module 'proxy-from-env' {
  /** The proxy URL *_PROXY / ALL_PROXY name for `url`, or "" when NO_PROXY excludes it or none is set. */
  export function getProxyForUrl(url: string | URL): string;
}
