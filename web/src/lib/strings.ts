// The page's words: one JSON file per language (web/strings/en.json first), merged with the
// council's overrides and checked by functions/config.ts `loadBranding`, then handed to the pages
// by the build (a JSON data block in the HTML) and to the no-JavaScript answer page. `{name}`
// placeholders are filled by `t`.

export type Strings = Readonly<Record<string, string>>;
export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export function translator(strings: Strings): Translate {
  return (key, params = {}) => {
    const text = strings[key];
    // A missing key shows itself rather than an empty space (the build checks every key exists).
    if (text === undefined) return `[${key}]`;
    return text.replace(/\{([a-z]+)\}/gi, (whole, name: string) =>
      params[name] === undefined ? whole : String(params[name]),
    );
  };
}

/** "A, B and C" in the page's language. */
export function joinList(t: Translate, parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')}${t('list.and')}${parts[parts.length - 1]}`;
}
