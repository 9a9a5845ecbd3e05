import { RegistryError } from '../errors.js';

/** Confluent's QualifiedSubject.normalizeContext: `ctx`, `.ctx`, `:.ctx:` all become `:.ctx:`; the default, ''. */
function normalizeContext(raw: string): string {
  const context = raw.replace(/^:/, '').replace(/:$/, '');
  if (context.includes(':')) throw new RegistryError(400, 400, 'Context name cannot contain a colon');
  const dotted = context.startsWith('.') ? context : `.${context}`;
  return dotted === '.' ? '' : `:${dotted}:`;
}

function startsWithContext(segment: string): boolean {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // kept as sent
  }
  return decoded.startsWith(':.') || decoded.startsWith(':*:');
}

/**
 * Confluent's ContextFilter: `/contexts/{context}/…` is the same API with the subject after `subjects` (and after
 * a root `config` or `mode`) qualified by the context, a bare root `config` or `mode` meaning the context's own,
 * and the subject prefix of listings (the `subject` of `/schemas/ids`) qualified too. Other URLs are unchanged.
 */
export function contextUrl(url: URL): URL {
  const path = url.pathname.replace(/^\//, '');
  if (!path.startsWith('contexts/')) return url;
  let context = '.';
  let contextNext = false;
  let subjectNext = false;
  let configOrMode = false;
  let first = true;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (contextNext) {
      context = segment;
      contextNext = false;
      continue;
    }
    if (first && segment === 'contexts') {
      contextNext = true;
      continue;
    }
    let piece = segment;
    if (subjectNext) {
      if (!startsWithContext(segment)) piece = normalizeContext(context) + segment;
      subjectNext = false;
    } else {
      const root = first && (segment === 'config' || segment === 'mode');
      if (segment === 'subjects' || root) {
        subjectNext = true;
        configOrMode ||= root;
      }
    }
    if (piece !== '') out.push(piece);
    if (first && segment !== '') first = false;
  }
  const qualified = normalizeContext(context);
  if (configOrMode && subjectNext && qualified !== '') out.push(qualified);
  else if (out.length === 0 && qualified !== '') out.push('contexts', qualified);
  const next = new URL(url);
  next.pathname = `/${out.join('/')}`;
  if (out[0] === 'schemas' && out[1] === 'ids') {
    const subject = next.searchParams.get('subject') ?? '';
    if (!startsWithContext(subject)) next.searchParams.set('subject', qualified + subject);
  } else if (out.length === 1 && (out[0] === 'schemas' || out[0] === 'subjects')) {
    const prefixes = next.searchParams.getAll('subjectPrefix');
    next.searchParams.delete('subjectPrefix');
    for (const prefix of prefixes.length > 0 ? prefixes : ['']) {
      next.searchParams.append('subjectPrefix', startsWithContext(prefix) ? prefix : qualified + prefix);
    }
  }
  return next;
}
