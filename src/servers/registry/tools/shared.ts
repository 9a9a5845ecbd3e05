import { z } from 'zod';
import { Refusal } from '../../../core/errors.js';
import type { RegistryClient } from '../client.js';

export { READ_ONLY } from '../../../core/define.js';

export interface RegistryContext {
  readonly clients: readonly RegistryClient[];
  pick(name: string | undefined): RegistryClient;
  /** The registry a call that names none uses: this connection's choice (set_default_registry), else the first. */
  readonly defaults: SessionDefault;
}

/** The default registry of one connection; `shared` once the definition serves every client (the gateway). */
export interface SessionDefault {
  shared: boolean;
  chosen: string | undefined;
}

export function registryContext(clients: readonly RegistryClient[]): RegistryContext {
  const defaults: SessionDefault = { shared: false, chosen: undefined };
  return {
    clients,
    defaults,
    pick(name) {
      if (clients.length === 0)
        throw new Refusal(
          'no registries are configured (rampart.yaml registry.registries, or SCHEMA_REGISTRY_URL)',
        );
      name ??= defaults.chosen;
      if (name === undefined) return clients[0] as RegistryClient;
      const found = clients.find((c) => c.name === name);
      if (!found) {
        throw new Refusal(
          `registry "${name}" is not configured (configured: ${clients.map((c) => c.name).join(', ')})`,
        );
      }
      return found;
    },
  };
}

export const registryArg = z
  .string()
  .optional()
  .describe(
    'Which configured registry (see list_registries); default the one set_default_registry chose, else the first',
  );
export const contextArg = z
  .string()
  .regex(/^\.?[A-Za-z0-9_.-]*$/, 'a context name like ".staging"')
  .optional()
  .describe('Schema context, e.g. ".staging"; default the default context "."');
export const namedContextArg = z
  .string()
  .regex(/^\.?[A-Za-z0-9_.-]+$/, 'a context name like ".staging"')
  .describe('Schema context, e.g. ".staging"');
export const confirmArg = z
  .boolean()
  .optional()
  .describe(
    'true once the user has agreed to this change; only needed when the client cannot ask them (no elicitation)',
  );
export const subjectArg = z.string().min(1).max(1024).describe('Subject name, e.g. "orders-value"');
export const versionArg = z
  .union([z.number().int().min(1), z.literal('latest')])
  .default('latest')
  .describe('Version number, or "latest"');
export const schemaTypeArg = z.enum(['AVRO', 'JSON', 'PROTOBUF']).default('AVRO').describe('Schema type');
export const referencesArg = z
  .array(z.object({ name: z.string(), subject: z.string(), version: z.number().int() }))
  .default([])
  .describe(
    'Schemas this one references: import name (Protobuf), $ref (JSON) or full type name (Avro), with subject and version',
  );

/** A subject within a context, as the registry names it: `:.staging:orders-value`. */
export function qualify(subject: string, context: string | undefined): string {
  if (!context || context === '.' || subject.startsWith(':.')) return subject;
  return `:${context.startsWith('.') ? context : `.${context}`}:${subject}`;
}

/** A context as the registry writes it: ".staging" for "staging", "." for none. */
export function contextName(context: string | undefined): string {
  if (!context || context === '.') return '.';
  return context.startsWith('.') ? context : `.${context}`;
}

export const path = (...parts: (string | number)[]) =>
  `/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;

export const schemaOutput = {
  schemaType: z.enum(['AVRO', 'JSON', 'PROTOBUF']),
  schema: z.string(),
  references: z.array(z.object({ name: z.string(), subject: z.string(), version: z.number() })),
};
