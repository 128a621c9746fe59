// <family-hub-finder area="gloucestershire">: the postcode lookup as one element a council pastes
// into its CMS, with one script and no framework. It asks the API on the origin it was loaded from
// (or its `api` attribute), answers in its own shadow DOM (the host page's styles cannot break it,
// and it cannot break theirs) with the same view as the full page, and links to the full page for
// the map. Its styles are a constructed stylesheet, so a host page's CSP needs no 'unsafe-inline';
// without JavaScript the element's own content (a link to the full page) shows instead.
//
//   <script type="module" src="https://hubs.example.gov.uk/widget.js"></script>
//   <family-hub-finder area="gloucestershire"><a href="https://hubs.example.gov.uk/">Find your family hub</a></family-hub-finder>
import { answerView, problemView } from './lib/answer-view.js';
import { Api, ApiError } from './lib/api.js';
import { toDom } from './lib/dom.js';
import { translator } from './lib/strings.js';
import type { LookupAnswer } from './lib/types.js';
import { el } from './lib/vnode.js';

/** Compiled in by the web build from the branding (scripts/build-web.ts `buildWidget`). */
declare const __FH_STRINGS__: Record<string, string>;
declare const __FH_COLOURS__: {
  brand: string;
  brandDark: string;
  brandText: string;
  link: string;
  text: string;
};

const t = translator(__FH_STRINGS__);
const C = __FH_COLOURS__;

const CSS = `
:host{display:block;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1rem;line-height:1.5;color:${C.text};max-width:40rem}
.box{border:2px solid ${C.brand};padding:1rem;background:#fff}
h2{font-size:1.375rem;margin:0 0 .5rem;line-height:1.25}h3{font-size:1.125rem;margin:1rem 0 .25rem}
.label{display:block;font-weight:700}.hint{color:#505a5f;margin:0 0 .25rem}
.row{display:flex;flex-wrap:wrap;gap:.5rem}
input{font:inherit;border:2px solid ${C.text};padding:.3rem .5rem;min-height:2.75rem;width:9em;text-transform:uppercase}
button{font:inherit;font-weight:700;color:${C.brandText};background:${C.brand};border:2px solid transparent;box-shadow:0 2px 0 ${C.brandDark};padding:.35rem 1rem;min-height:2.75rem;cursor:pointer}
input:focus,button:focus-visible,a:focus{outline:3px solid #ffdd00;outline-offset:0;box-shadow:inset 0 0 0 2px ${C.text}}
button:focus-visible{background:#ffdd00;color:${C.text}}
a{color:${C.link}}.error{color:#b10e1e;font-weight:700;margin:.25rem 0}.invalid input{border-color:#b10e1e}
.panel{border-left:5px solid ${C.brand};padding:.5rem .75rem;margin:.75rem 0;background:#f3f2f1}.panel--problem{border-color:#b10e1e}
.panel--warning{border-color:#946b00}.panel__title{font-size:1.125rem}
.eyebrow,.meta,.distance{color:#505a5f;margin:.25rem 0}.hub-card__name{font-size:1.25rem;font-weight:700;margin:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}dt{font-weight:700}dd{margin:0}
table{border-collapse:collapse}th,td{text-align:left;padding:0 .75rem 0 0;font-weight:normal}
ul,ol{padding-left:1.25rem;margin:.25rem 0}p{margin:.25rem 0}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important;border:0!important}
`;

let sheet: CSSStyleSheet | null = null;

class FamilyHubFinder extends HTMLElement {
  private api!: Api;
  private base!: string;
  private areaName: Promise<string> | null = null;
  private seq = 0;

  connectedCallback(): void {
    if (this.shadowRoot) return;
    this.base = (this.getAttribute('api') ?? new URL(import.meta.url).origin).replace(/\/$/, '');
    this.api = new Api(this.base);
    const root = this.attachShadow({ mode: 'open' });
    sheet ??= (() => {
      const s = new CSSStyleSheet();
      s.replaceSync(CSS);
      return s;
    })();
    root.adoptedStyleSheets = [sheet];
    const area = this.getAttribute('area');
    const [box] = toDom(
      el(
        'div',
        { class: 'box' },
        el('h2', { id: 'title' }, t('widget.heading')),
        el(
          'form',
          { novalidate: '', 'aria-labelledby': 'title' },
          el('div', { id: 'field' }, [
            el('label', { class: 'label', for: 'postcode' }, t('form.label')),
            el('p', { class: 'hint', id: 'hint' }, t('form.hint')),
            el('p', { class: 'error', id: 'error', hidden: '' }),
            el(
              'div',
              { class: 'row' },
              el('input', {
                id: 'postcode',
                name: 'postcode',
                type: 'text',
                autocomplete: 'postal-code',
                spellcheck: 'false',
                maxlength: '16',
                'aria-describedby': 'hint',
              }),
              el('button', { type: 'submit' }, t('form.button')),
            ),
          ]),
        ),
        el('p', { class: 'visually-hidden', id: 'status', role: 'status', 'aria-live': 'polite' }),
        el('div', { id: 'result' }),
      ),
    );
    root.append(box!);
    if (area) this.areaName = this.loadAreaName(area);
    root.querySelector('form')!.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.lookup();
    });
    // For scripts/measure-web.ts: the widget answers input from here on.
    performance.mark('fh:ready');
  }

  private async loadAreaName(area: string): Promise<string> {
    try {
      return (await this.api.json<{ name: string }>(`/v1/areas/${encodeURIComponent(area)}`)).data.name;
    } catch {
      return area;
    }
  }

  private inner<T extends HTMLElement>(id: string): T {
    return this.shadowRoot!.getElementById(id) as T;
  }

  private async lookup(): Promise<void> {
    const input = this.inner<HTMLInputElement>('postcode');
    const error = this.inner('error');
    const result = this.inner('result');
    const status = this.inner('status');
    const postcode = input.value.trim();
    const seq = ++this.seq;
    const fieldError = (message: string) => {
      this.inner('field').className = 'invalid';
      error.replaceChildren(
        ...toDom([el('span', { class: 'visually-hidden' }, t('problem.errorPrefix')), message]),
      );
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'hint error');
      result.replaceChildren();
      status.textContent = `${t('problem.errorPrefix')}${message}`;
      input.focus();
    };
    this.inner('field').className = '';
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', 'hint');
    if (!postcode) return fieldError(t('form.empty'));
    status.textContent = t('form.looking', { postcode });
    try {
      const { data } = await this.api.json<LookupAnswer>(`/v1/postcodes/${encodeURIComponent(postcode)}`);
      const ownArea = this.getAttribute('area');
      const name =
        data.area === ownArea && this.areaName ? await this.areaName : await this.loadAreaName(data.area);
      if (seq !== this.seq) return;
      const view = answerView(data, {
        t,
        areaName: name,
        servedAreas: ownArea ? [(await this.areaName) ?? ownArea] : [name],
        nearby: !data.hub && data.nearestHub ? [data.nearestHub] : [],
        fullPageHref: `${this.base}/?postcode=${encodeURIComponent(postcode)}`,
      });
      result.replaceChildren(...toDom(view.nodes));
      status.textContent = view.announcement;
      performance.mark('fh:answer');
    } catch (e) {
      if (seq !== this.seq) return;
      const problem = e instanceof ApiError ? e : null;
      const view = problemView(
        postcode,
        {
          code: problem?.code ?? '',
          status: problem?.status ?? -1,
          detail: problem?.problem ? problem.message : null,
        },
        t,
      );
      if (view.kind === 'field') return fieldError(view.message);
      result.replaceChildren(...toDom(view.nodes));
      status.textContent = `${view.heading}. ${view.advice}`;
    }
  }
}

if (!customElements.get('family-hub-finder')) customElements.define('family-hub-finder', FamilyHubFinder);
