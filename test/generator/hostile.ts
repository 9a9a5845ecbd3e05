import fc from 'fast-check';

/** Strings a user might give to break generated code: quotes, comment ends, template holes, line breaks, keys. */
export const HOSTILE = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')),
  fc
    .array(
      fc.constantFrom(
        "'",
        '"',
        '`',
        '*/',
        '/*',
        '${',
        '}',
        '\\',
        '\n',
        '\u2028',
        '</script>',
        "');",
        '#!',
        '__proto__',
        'constructor',
        '{',
        '&',
      ),
      {
        minLength: 1,
        maxLength: 12,
      },
    )
    .map((parts) => parts.join('x')),
  fc.constantFrom('__proto__', 'constructor', 'toString'),
);
