import { markdownText } from '../markdown.js';
import type { ApiModel } from '../openapi/read.js';
import { readme } from '../readme.js';
import type { ApiSpec } from '../spec.js';

const variables = (model: ApiModel) =>
  Object.entries(model.schemes).map(([name, s]) => {
    const scheme = markdownText(name);
    if (s.type === 'basic')
      return `- \`${s.usernameEnv}\` and \`${s.passwordEnv}\`: HTTP basic (scheme ${scheme})`;
    if (s.type === 'bearer') return `- \`${s.env}\`: a bearer token (scheme ${scheme})`;
    return `- \`${s.env}\`: the API key, sent in ${s.in === 'header' ? 'a header' : 'the query'} (scheme ${scheme})`;
  });

/** The README: the common one, plus how the operator points the server at the API and gives it credentials. */
export function apiReadme(
  spec: ApiSpec,
  model: ApiModel,
  env: { baseUrl: string; allowHosts: string; allowPrivate: string },
  source: string | undefined,
  plan: { readonly header: unknown; readonly path: unknown; readonly secured: unknown },
): string {
  const title = markdownText(model.title);
  const from = source ? ` Generated from ${markdownText(source)}.` : '';
  const common = readme(spec, {
    about: `Tools for ${title || 'an API'}, one per operation of its OpenAPI document.${from}`,
    tools: model.operations.map((op) => [
      op.tool,
      `${op.method} ${markdownText(op.path)}: ${markdownText(op.title)}`,
    ]),
    refuses: [
      'SSRF to 127.0.0.1 when it is not the allowed host, and to loopback the operator did not permit',
      'SSRF to 169.254.169.254 (cloud metadata), by redirect, by name and as the base URL',
      'a redirect to a host that is not on the allowlist',
      ...(plan.secured
        ? ['credentials along a redirect to another host; operations whose credentials are not set']
        : []),
      ...(plan.header ? ['header injection (CR/LF in a header parameter)'] : []),
      ...(plan.path ? ['`..` as a path parameter (other values stay inside their path segment)'] : []),
      'responses over the size cap (the rest is never downloaded)',
      'arguments it does not know, arguments over the size cap',
    ],
    args: [],
  });
  const credentials = variables(model);
  const notes = model.notes.map((note) => `- ${markdownText(note)}`);
  return `${common}
## Configure

Calls go only to the API's own hosts (${model.allowHosts.map(markdownText).join(', ')}), through Rampart's
guarded HTTP client: every address a name resolves to is checked and the checked one dialled, so loopback, private,
link-local and cloud-metadata addresses are refused unless you permit them; redirects are re-checked at each hop;
responses are capped. Set these in the environment (never in a file in the project):

- \`${env.baseUrl}\`: another base URL for the API (default: the spec's first server, ${markdownText(model.baseUrl)})
- \`${env.allowHosts}\`: the hosts calls may reach, comma-separated (default: the spec's servers)
- \`${env.allowPrivate}\`: non-public ranges the API may resolve to, e.g. \`10.20.0.0/16\` for an internal API
${credentials.length > 0 ? `\nCredentials, sent only to the base URL's host and only for the operations that need them; the model never\nsees them, and they are scrubbed from what the API answers:\n\n${credentials.join('\n')}\n` : ''}${notes.length > 0 ? `\n## Not generated\n\n${notes.join('\n')}\n` : ''}`;
}
