import { isDestructive, type Tool } from '../tools';

/** The tool's hints as badges: what it promises about itself (MCP annotations). */
export function Annotations({ tool, compact = false }: { tool: Tool; compact?: boolean }) {
  const hints = tool.annotations ?? {};
  const badges: { label: string; className: string; title: string }[] = [];
  if (hints.readOnlyHint)
    badges.push({ label: 'read-only', className: 'badge ok', title: 'Changes nothing' });
  if (isDestructive(tool))
    badges.push({
      label: 'destructive',
      className: 'badge danger',
      title: 'May delete or overwrite; asks to confirm',
    });
  if (!compact) {
    if (hints.idempotentHint)
      badges.push({
        label: 'idempotent',
        className: 'badge',
        title: 'Calling it again with the same arguments changes nothing more',
      });
    if (hints.openWorldHint)
      badges.push({ label: 'open world', className: 'badge', title: 'Reaches outside systems' });
  }
  if (badges.length === 0) return null;
  return (
    <span className="badges">
      {badges.map((b) => (
        <span key={b.label} className={b.className} title={b.title}>
          {b.label}
        </span>
      ))}
    </span>
  );
}
