// A tiny element builder. Text always goes in as text nodes (never innerHTML), so data from the
// API or an uploaded file cannot inject markup.
import type { VElement, VNode } from './vnode.js';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element as T;
}

/** A visually hidden span: read by screen readers, not shown. */
export function hidden(text: string): HTMLSpanElement {
  return h('span', { class: 'visually-hidden' }, text);
}

/** The content of <meta name="..."> (asset URLs the build wrote into the page). */
export function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

/** DOM nodes for a markup description (vnode.ts): the browser side of the views the server shares. */
export function toDom(node: VNode): Node[] {
  if (node === null || node === undefined || node === false) return [];
  if (typeof node === 'string') return [document.createTextNode(node)];
  if (Array.isArray(node)) return (node as readonly VNode[]).flatMap(toDom);
  const { tag, attrs, children } = node as VElement;
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs))
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, value);
  for (const child of children) element.append(...toDom(child));
  return [element];
}

/** The page's strings, from the JSON data block the build writes into it (#fh-strings). */
export function pageStrings(): Record<string, string> {
  const block = document.getElementById('fh-strings');
  try {
    return block ? (JSON.parse(block.textContent ?? '{}') as Record<string, string>) : {};
  } catch {
    return {};
  }
}
