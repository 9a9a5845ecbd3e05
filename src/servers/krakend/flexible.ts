/** What a Flexible Configuration template refers to: settings files, partials, sub-templates. */
export interface FlexibleReport {
  readonly detected: boolean;
  readonly markers: number;
  readonly settings: readonly string[];
  readonly partials: readonly string[];
  readonly templates: readonly string[];
  readonly explanation: string;
}

const NOT_A_TEMPLATE: FlexibleReport = {
  detected: false,
  markers: 0,
  settings: [],
  partials: [],
  templates: [],
  explanation: 'No Flexible Configuration markers: the file is validated as it is.',
};

const MARKER = /\{\{-?([\s\S]*?)-?\}\}/g;
const INCLUDE = /^\s*include\s+"([^"]+)"/;
const TEMPLATE = /^\s*template\s+"([^"]+)"/;
const SETTING = /(?:^|[\s(|])\.([A-Za-z_][\w]*)/g;

/**
 * Detects KrakenD's Flexible Configuration (Go templates with `{{ }}`): the file is a template that KrakenD
 * renders with FC_ENABLE=1, FC_SETTINGS, FC_PARTIALS and FC_TEMPLATES before parsing it. The template itself is
 * not JSON; the rendered file (FC_OUT) is what can be validated.
 */
export function detectFlexibleConfiguration(text: string): FlexibleReport {
  if (!text.includes('{{')) return NOT_A_TEMPLATE;
  const settings = new Set<string>();
  const partials = new Set<string>();
  const templates = new Set<string>();
  let markers = 0;
  for (const match of text.matchAll(MARKER)) {
    markers++;
    const body = match[1] ?? '';
    const include = INCLUDE.exec(body)?.[1];
    if (include) partials.add(include);
    const template = TEMPLATE.exec(body)?.[1];
    if (template) templates.add(template);
    for (const setting of body.matchAll(SETTING)) {
      if (setting[1]) settings.add(setting[1]);
    }
  }
  const detected = markers > 0;
  return {
    detected,
    markers,
    settings: [...settings].sort(),
    partials: [...partials].sort(),
    templates: [...templates].sort(),
    explanation: detected
      ? `This is a Flexible Configuration template (${markers} {{ }} markers). KrakenD renders it when started with ` +
        'FC_ENABLE=1, FC_SETTINGS=<dir of settings files>, FC_PARTIALS=<dir of partials> and FC_TEMPLATES=<dir of ' +
        'templates>; FC_OUT=<file> writes the rendered result. Validate that rendered file (pass it as `rendered`).'
      : 'No Flexible Configuration markers: the file is validated as it is.',
  };
}
