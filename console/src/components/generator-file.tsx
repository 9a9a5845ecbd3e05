import { Highlight, type PrismTheme } from 'prism-react-renderer';
import type { ReactNode } from 'react';
import type { GeneratedFile } from '../generator-api';
import { languageOf } from '../generator-tree';

/** Larger files are shown as plain text: highlighting them would hold the page for little gain. */
const MAX_HIGHLIGHTED = 200_000;

/**
 * The console's own colours for code, each at least 4.5:1 against the panel background (#f6f8fa). The
 * library sets them as style properties of React elements (through the CSSOM, which the CSP allows), never
 * as an inline style attribute in markup.
 */
const THEME: PrismTheme = {
  plain: { color: '#1b1f24', backgroundColor: '#f6f8fa' },
  styles: [
    { types: ['comment', 'prolog', 'doctype', 'cdata'], style: { color: '#57606a', fontStyle: 'italic' } },
    { types: ['keyword', 'atrule', 'important', 'selector'], style: { color: '#8250df' } },
    { types: ['string', 'char', 'attr-value', 'regex', 'template-string'], style: { color: '#0a6a2c' } },
    { types: ['number', 'boolean', 'constant', 'symbol'], style: { color: '#9a4700' } },
    { types: ['function', 'class-name', 'builtin'], style: { color: '#0550ae' } },
    { types: ['property', 'key', 'tag', 'attr-name'], style: { color: '#953800' } },
    { types: ['title', 'bold'], style: { fontWeight: 'bold' } },
    { types: ['italic'], style: { fontStyle: 'italic' } },
    { types: ['operator', 'punctuation'], style: { color: '#424a53' } },
  ],
};

/** The file's text scrolls inside a region that the keyboard can reach and scroll, named by the file's heading. */
function Scroller({ children }: { children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable with the keyboard
    <section className="code-scroll" tabIndex={0} aria-labelledby="generator-file-heading">
      {children}
    </section>
  );
}

/** One generated file, syntax-highlighted by its extension; its text is rendered as React text, never as HTML. */
export function GeneratorFile({ file }: { file: GeneratedFile }) {
  const language = languageOf(file.path);
  const heading = (
    <h3 id="generator-file-heading">
      <code>{file.path}</code>
      <span className="file-facts">
        {' '}
        ({file.content.split('\n').length} lines{language ? `, ${language}` : ''})
      </span>
    </h3>
  );
  if (!language || file.content.length > MAX_HIGHLIGHTED)
    return (
      <>
        {heading}
        <Scroller>
          <pre className="code-view">{file.content}</pre>
        </Scroller>
      </>
    );
  return (
    <>
      {heading}
      <Scroller>
        <Highlight theme={THEME} code={file.content} language={language}>
          {({ className, style, tokens, getLineProps, getTokenProps }) => (
            <pre className={`code-view highlighted ${className}`} style={style}>
              {tokens.map((line, i) => {
                const { key: _line, ...lineProps } = getLineProps({ line });
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their place
                  <div key={i} {...lineProps}>
                    {line.map((token, j) => {
                      const { key: _token, ...tokenProps } = getTokenProps({ token });
                      // biome-ignore lint/suspicious/noArrayIndexKey: tokens have no identity but their place
                      return <span key={j} {...tokenProps} />;
                    })}
                  </div>
                );
              })}
            </pre>
          )}
        </Highlight>
      </Scroller>
    </>
  );
}
