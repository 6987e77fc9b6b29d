// Lets a unit test import the renderer's `*.svelte.ts` state modules: compiles them with Svelte (see
// svelte-module-hooks.mjs) and gives them the few browser globals they touch at load or in the code under test (a
// bridge standing in for preload, storage, animation frames, an empty text selection). Import this first, then the
// state modules with a dynamic import(), so the hooks are in place when they load.
import { register } from 'node:module';
import type { Bridge } from '../../../../../renderer/src/lib/api.js';

register('./svelte-module-hooks.mjs', import.meta.url);

/** Answers a contract method; throw to refuse it. */
export type FakeMethod = (params: never) => unknown;

const methods = new Map<string, FakeMethod>();
/** Every call made, in order: method and parameters. */
export const calls: { method: string; params: unknown }[] = [];

/** Sets how the fake services answer `method`. */
export function answer(method: string, handler: FakeMethod): void {
  methods.set(method, handler);
}

const bridge = {
  methods: new Proxy(
    {},
    {
      get: (_target, method: string) => async (params: unknown) => {
        calls.push({ method, params });
        const handler = methods.get(method);
        if (!handler) return { ok: false, error: { code: 'internal', message: `no fake for ${method}` } };
        try {
          return { ok: true, result: await handler(params as never) };
        } catch (error) {
          return {
            ok: false,
            error: { code: (error as { code?: string }).code ?? 'internal', message: (error as Error).message },
          };
        }
      },
    },
  ),
  onEvent: () => () => {},
  chooseDestination: async () => ({ canceled: true }),
} as unknown as Bridge;

const storage = new Map<string, string>();
Object.assign(globalThis, {
  window: { workbench: bridge, getSelection: () => null },
  localStorage: {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
  },
  document: { documentElement: {} },
  location: { search: '?lang=en', hash: '', pathname: '/' },
  requestAnimationFrame: (callback: (time: number) => void) => setTimeout(() => callback(performance.now()), 0),
  // Node's MessagePort keeps the process alive while it has a listener; this one only posts to itself once.
  MessageChannel: class {
    port1: { onmessage: ((event: unknown) => void) | null } = { onmessage: null };
    port2 = { postMessage: (data: unknown) => void setTimeout(() => this.port1.onmessage?.({ data }), 0) };
  },
});
