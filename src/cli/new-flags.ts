/** The flags of `rampart new`, as commander parses them. */
export interface NewFlags {
  name?: string;
  description?: string;
  root: string[];
  readOnly?: boolean;
  tool: string[];
  repo?: string;
  engine?: string;
  urlEnv?: string;
  schema: string[];
  server: string[];
  openapi?: string;
  allowPrivate: string[];
  envPrefix?: string;
  force?: boolean;
  toolkit?: string;
}
