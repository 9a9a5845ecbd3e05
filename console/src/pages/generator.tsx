import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useLocation } from 'react-router';
import { GeneratorFile } from '../components/generator-file';
import { GeneratorForm } from '../components/generator-form';
import { GeneratorTree } from '../components/generator-tree';
import {
  type Generated,
  generateProject,
  isKind,
  type Kind,
  kindSchemas,
  SpecRefusal,
} from '../generator-api';
import { fileTree } from '../generator-tree';
import { offerDownload, projectFolder, zipProject } from '../generator-zip';
import '../generator-styles.css';
import { QueryStatus } from '../components/query-status';

/** The options two kinds share, kept when the person changes the kind. */
function common(data: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (data.name !== undefined) kept.name = data.name;
  if (data.description !== undefined) kept.description = data.description;
  return kept;
}

/** A spec handed over in the navigation's state (the assistant's hand-off): its kind and its options. */
function handedSpec(state: unknown): { kind: Kind; data: Record<string, unknown> } | undefined {
  const spec = (state as { spec?: unknown } | null)?.spec;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return undefined;
  const { kind, ...data } = spec as Record<string, unknown>;
  return isKind(kind) ? { kind, data } : undefined;
}

interface Preview extends Generated {
  /** The project's package name when it was generated (the form may have changed since). */
  readonly name: string;
}

/** `rampart new` as a form: the gateway generates, the page shows the files and zips them for download. */
export function GeneratorPage() {
  const location = useLocation();
  const handed = handedSpec(location.state);
  const [kind, setKind] = useState<Kind>(handed?.kind ?? 'fs');
  const [data, setData] = useState<Record<string, unknown>>(handed?.data ?? {});
  const [selected, setSelected] = useState<string>();
  const schemas = useQuery({ queryKey: ['generator-schemas'], queryFn: kindSchemas, staleTime: Infinity });
  const generation = useMutation<Preview, Error, Record<string, unknown>>({
    mutationFn: async (spec) => ({ ...(await generateProject(spec)), name: String(spec.name) }),
    onSuccess: (preview) =>
      setSelected(preview.files.find((f) => f.path === 'README.md')?.path ?? preview.files[0]?.path),
  });
  const preview = generation.data;
  const tree = useMemo(() => (preview ? fileTree(preview.files) : []), [preview]);
  const file = preview?.files.find((f) => f.path === selected);
  const refusal = generation.error instanceof SpecRefusal ? generation.error : undefined;

  // Another page (the assistant) may navigate here again with a new spec while this page is shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new navigation brings a new spec
  useEffect(() => {
    const spec = handedSpec(location.state);
    if (!spec) return;
    setKind(spec.kind);
    setData(spec.data);
  }, [location.key]);

  const download = () => {
    if (!preview) return;
    const folder = projectFolder(preview.name);
    offerDownload(zipProject(folder, preview.files), `${folder}.zip`);
  };

  return (
    <>
      <h1>Generator</h1>
      <p className="description">
        Make a hardened MCP server project, as <code>rampart new</code> does: the gateway generates its files
        and writes none; this page shows them and zips them for you to download.
      </p>
      <QueryStatus query={schemas} loading="Loading the generator's options…" />
      <div className="generator">
        {schemas.data && (
          <section aria-labelledby="generator-spec-heading" className="generator-spec">
            <h2 id="generator-spec-heading">Project</h2>
            <GeneratorForm
              kinds={schemas.data}
              kind={kind}
              data={data}
              refusal={refusal ? { key: refusal.key, problem: refusal.problem } : undefined}
              busy={generation.isPending}
              onKind={(next) => {
                setKind(next);
                setData(common(data));
                generation.reset();
              }}
              onChange={setData}
              onSubmit={(options) => generation.mutate({ ...options, kind })}
            />
            <div aria-live="polite">
              {generation.isPending && <p className="status">Generating…</p>}
              {generation.error && (
                <p role="alert" className="errors">
                  {refusal ? 'The generator refused this spec: ' : 'Could not generate: '}
                  {generation.error.message}
                </p>
              )}
            </div>
          </section>
        )}
        {preview && (
          <section aria-labelledby="generator-preview-heading" className="generator-preview">
            <h2 id="generator-preview-heading">
              Preview: <code>{preview.name}</code> ({preview.files.length} files)
            </h2>
            <p>
              <button type="button" className="primary" onClick={download}>
                Download {projectFolder(preview.name)}.zip
              </button>
            </p>
            {preview.notes.length > 0 && (
              <section aria-label="Notes" className="notice">
                <h3>Notes</h3>
                <ul>
                  {preview.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              </section>
            )}
            <div className="preview-panes">
              <GeneratorTree nodes={tree} selected={selected} onSelect={setSelected} />
              <div className="file-pane">{file && <GeneratorFile file={file} />}</div>
            </div>
          </section>
        )}
      </div>
    </>
  );
}
