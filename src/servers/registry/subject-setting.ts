import { unlessMissing } from './bulk/subject-state.js';
import type { RegistryClient } from './client.js';
import { path } from './tools/shared.js';

/** A subject's compatibility level or mode: its own override, else the registry's. */
export interface SubjectSetting {
  readonly value: string;
  readonly inherited: boolean;
}

/**
 * Reads a subject's `config` (compatibility level) or `mode`. Only a 404 means "no override, inherited": any
 * other failure is the caller's to report, never mistaken for the registry-wide value.
 */
export async function readSubjectSetting(
  client: RegistryClient,
  setting: 'config' | 'mode',
  subject: string,
  signal: AbortSignal,
): Promise<SubjectSetting> {
  type Answer = { compatibilityLevel?: string; mode?: string };
  const settingOf = (answer: Answer) =>
    (setting === 'config' ? answer.compatibilityLevel : answer.mode) ?? '';
  const own = await unlessMissing(client.call<Answer>('GET', path(setting, subject), undefined, signal));
  if (own) return { value: settingOf(own), inherited: false };
  return {
    value: settingOf(await client.call<Answer>('GET', `/${setting}`, undefined, signal)),
    inherited: true,
  };
}
