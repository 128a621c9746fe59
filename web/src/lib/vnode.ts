// A tiny description of markup that both sides render: the browser turns it into DOM nodes
// (dom.ts `toDom`), the no-JavaScript answer page into HTML text (`toHtml`, escaped here). One view
// of an answer, so the page with and without JavaScript says the same things. No DOM in this file:
// the server imports it.

export interface VElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string | null | undefined | false>>;
  readonly children: readonly VNode[];
}

export type VNode = VElement | string | null | undefined | false | readonly VNode[];

export function el(
  tag: string,
  attrs: Readonly<Record<string, string | null | undefined | false>> = {},
  ...children: VNode[]
): VElement {
  return { tag, attrs, children };
}

const VOID = new Set(['br', 'img', 'input', 'meta', 'link']);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTML text of the nodes; every text and attribute value escaped. */
export function toHtml(node: VNode): string {
  if (node === null || node === undefined || node === false) return '';
  if (typeof node === 'string') return escapeHtml(node);
  if (Array.isArray(node)) return (node as readonly VNode[]).map(toHtml).join('');
  const { tag, attrs, children } = node as VElement;
  const attributes = Object.entries(attrs)
    .filter(([, v]) => v !== null && v !== undefined && v !== false)
    .map(([k, v]) => (v === '' ? ` ${k}` : ` ${k}="${escapeHtml(String(v))}"`))
    .join('');
  return VOID.has(tag)
    ? `<${tag}${attributes}>`
    : `<${tag}${attributes}>${children.map(toHtml).join('')}</${tag}>`;
}

/** The plain text of the nodes (for announcements and tests). */
export function textOf(node: VNode): string {
  if (node === null || node === undefined || node === false) return '';
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return (node as readonly VNode[]).map(textOf).join('');
  return (node as VElement).children.map(textOf).join('');
}
