import { camelCase } from '../names.js';
import type { ApiOperation } from '../openapi/read.js';
import { zodCode } from '../openapi/zod-code.js';

/**
 * One operation's tool file. Its code holds the tool name and argument names (plain identifiers, validated),
 * numbers and structure; every text from the spec is read from `src/api.json`.
 */
export function toolFile(op: ApiOperation): string {
  const args = [
    ...op.parameters.map((p) => ({ arg: p.arg, schema: p.schema, required: p.required })),
    ...(op.body ? [{ arg: 'body', schema: op.body.schema, required: op.body.required }] : []),
  ];
  const fields = args.map(({ arg, schema, required }) => {
    const { description: _, ...bare } = schema;
    const code = zodCode(bare, `args.${arg}.schema`, '  ');
    return `  ${arg}: ${code}.describe(args.${arg}.description)${required ? '' : '.optional()'},`;
  });
  const fallback = fields.some((f) => f.includes('zodFromJsonSchema('));
  const toolkit = fallback
    ? '{ type ApiClient, defineOperationTool, zodFromJsonSchema }'
    : '{ type ApiClient, defineOperationTool }';
  const input =
    fields.length === 0
      ? 'const input = z.strictObject({});'
      : `// biome-ignore format: one argument per line, as rampart new lays it out
const input = z.strictObject({
${fields.join('\n')}
});`;
  return `import ${toolkit} from 'rampart-mcp/toolkit';
import { z } from 'zod';
import api from '../api.json' with { type: 'json' };

// What the operation sends where (method, path, parameters, credentials) and every text the model reads are
// data in src/api.json; this file holds the argument schema.
const operation = api.operations.${op.tool};
${fields.length > 0 ? 'const args = operation.arguments;\n' : ''}
${input}

export function ${camelCase(op.tool)}Tool(client: ApiClient) {
  return defineOperationTool(client, { name: '${op.tool}', operation, input });
}
`;
}
