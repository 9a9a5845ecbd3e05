import { Refusal } from '../../../core/errors.js';
import { RULES, SEVERITIES, type Severity } from './rules.js';
import { summarize } from './summary.js';

export interface AuditFinding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** JSON pointer to what made the rule fire ("" is the whole config). */
  readonly pointer: string;
  readonly explanation: string;
}

export interface AuditOptions {
  /** Rule ids to skip, like `krakend audit --ignore`. */
  readonly exclude?: readonly string[];
  /** Severities to include (not a minimum), like `krakend audit --severity`; all four by default. */
  readonly severities?: readonly string[];
}

export interface AuditReport {
  readonly findings: readonly AuditFinding[];
  readonly rulesEvaluated: number;
}

const RULE_IDS = new Set(RULES.map((r) => r.id));

/**
 * krakend-audit's rules over one config, in its order, with its filters: an excluded rule or one whose severity
 * is not asked for is not evaluated. Unknown ids and severities are refused rather than silently matching nothing.
 */
export function audit(config: Record<string, unknown>, options: AuditOptions = {}): AuditReport {
  const exclude = new Set(options.exclude ?? []);
  const unknown = [...exclude].filter((id) => !RULE_IDS.has(id));
  if (unknown.length > 0) {
    throw new Refusal(
      `exclude names unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ids run from 1.1.1 to 7.3.1 (see list_audit_rules)`,
    );
  }
  const severities = new Set(normalizeSeverities(options.severities));
  const service = summarize(config);
  const findings: AuditFinding[] = [];
  let rulesEvaluated = 0;
  for (const rule of RULES) {
    if (exclude.has(rule.id) || !severities.has(rule.severity)) continue;
    rulesEvaluated++;
    const evidence = rule.check(service);
    if (evidence)
      findings.push({ rule: rule.id, severity: rule.severity, message: rule.message, ...evidence });
  }
  return { findings, rulesEvaluated };
}

function normalizeSeverities(requested: readonly string[] | undefined): Severity[] {
  if (!requested) return [...SEVERITIES];
  return requested.map((value) => {
    const upper = value.trim().toUpperCase();
    if (!(SEVERITIES as readonly string[]).includes(upper)) {
      throw new Refusal(`severity "${value}" is not one of ${SEVERITIES.join(', ')}`);
    }
    return upper as Severity;
  });
}
