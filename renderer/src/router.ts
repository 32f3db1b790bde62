// A hash router without a dependency: #/ is Home, #/exercise/<id> the workspace,
// #/timeline/<id>/<trace>/<op>[/<subject>] the timeline of a replay stopped at an operation, #/compare/<id>/<trace>
// one trace through several allocators, #/explorer the Machine Explorer, and #/quiz, #/quiz/<topic>
// or #/quiz/<topic>/<seed> the quizzes (the last one a question to share). A <trace> is one of the
// exercise's trace names, or a generated trace: gen:<generator>[:<option>=<value>,...] (traceSpecOf).
import { readonly, ref } from 'vue';
import type { ReplayTraceSpec } from '../../electron/contract';

export type Route =
  | { name: 'home' }
  | { name: 'exercise'; id: string }
  /** subject: the allocator to replay (Compare's subject kinds: submission, reference, starter, engine-first|next|best); null: your code. */
  | { name: 'timeline'; id: string; trace: string; op: number; subject?: string | null }
  | { name: 'compare'; id: string; trace: string }
  | { name: 'explorer' }
  | { name: 'quiz'; topic: string | null; seed: number | null }
  | { name: 'missing'; path: string };

/** The route of a location hash ('#/exercise/01-bit-allocator'). */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'home' };
  if (parts[0] === 'exercise' && parts.length === 2) return { name: 'exercise', id: parts[1]! };
  if (parts[0] === 'timeline' && (parts.length === 4 || (parts.length === 5 && /^[a-z][a-z-]{0,19}$/.test(parts[4]!))) && /^\d+$/.test(parts[3]!)) {
    return { name: 'timeline', id: parts[1]!, trace: parts[2]!, op: Number(parts[3]), subject: parts[4] ?? null };
  }
  if (parts[0] === 'compare' && parts.length === 3) return { name: 'compare', id: parts[1]!, trace: parts[2]! };
  if (parts[0] === 'explorer' && parts.length === 1) return { name: 'explorer' };
  if (parts[0] === 'quiz' && parts.length <= 3) {
    const seed = parts[2];
    if (seed === undefined) return { name: 'quiz', topic: parts[1] ?? null, seed: null };
    if (/^-?\d{1,16}$/.test(seed) && Number.isSafeInteger(Number(seed))) return { name: 'quiz', topic: parts[1]!, seed: Number(seed) };
  }
  return { name: 'missing', path };
}

/** The hash of a route. */
export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'home': return '#/';
    case 'exercise': return `#/exercise/${encodeURIComponent(route.id)}`;
    case 'timeline': return `#/timeline/${encodeURIComponent(route.id)}/${encodeURIComponent(route.trace)}/${route.op}${route.subject ? `/${route.subject}` : ''}`;
    case 'compare': return `#/compare/${encodeURIComponent(route.id)}/${encodeURIComponent(route.trace)}`;
    case 'explorer': return '#/explorer';
    case 'quiz':
      if (route.topic === null) return '#/quiz';
      return `#/quiz/${encodeURIComponent(route.topic)}${route.seed === null ? '' : `/${route.seed}`}`;
    case 'missing': return `#${route.path}`;
  }
}

/** A trace route parameter as the replay API takes it: 'gen:randomSizes:ops=100000,seed=3' is a generated trace (numbers where they parse), anything else a trace name. */
export function traceSpecOf(param: string): ReplayTraceSpec {
  const match = /^gen:([A-Za-z][A-Za-z0-9-]*)(?::(.*))?$/.exec(param);
  if (!match) return { trace: param };
  const options: Record<string, number | string> = {};
  for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
    const [key, value = ''] = pair.split('=');
    options[key!] = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return { generator: match[1]!, options };
}

const current = ref<Route>(typeof location === 'undefined' ? { name: 'home' } : parseHash(location.hash));
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => { current.value = parseHash(location.hash); });
}

/** The current route (reactive, read-only). */
export const route = readonly(current);

export function navigate(to: Route): void {
  const href = hrefOf(to);
  if (location.hash !== href) location.hash = href;
  current.value = parseHash(href);
}
