// What a lookup answer or problem says, as markup (vnode.ts): the hub card, the terminated and
// boundary notes, the gap and outside answers with the hubs near you, and the problems in words.
// Shared by the public page, the embeddable widget and the no-JavaScript answer page
// (functions/handlers/answer-page.ts), so all three say the same. Pure: no DOM, no fetch.
import { describeOpeningHours, formatAges, formatDistance, safeHttpUrl, telHref } from './format.js';
import { joinList, type Translate } from './strings.js';
import type { LookupAnswer, SiteAnswer, SiteWithDistance } from './types.js';
import { el, textOf, type VNode } from './vnode.js';

export interface AnswerContext {
  readonly t: Translate;
  /** The answer's area, by name. */
  readonly areaName: string;
  /** Names of the areas this page serves (for "outside the area we cover"). */
  readonly servedAreas: readonly string[];
  /** The hubs near a postcode in a gap or outside (see public.ts `nearbyHubs`). */
  readonly nearby: readonly SiteWithDistance[];
  /** A link to the full page for this answer (the widget offers it); none on the page itself. */
  readonly fullPageHref?: string;
}

export interface AnswerView {
  /** For the document title: the hub, or what happened. */
  readonly heading: string;
  /** Said in the live region. */
  readonly announcement: string;
  readonly nodes: VNode[];
}

/** The place an answer is about: the postcode, or "your location" for a point. */
export function placeOf(answer: LookupAnswer, t: Translate): string {
  return answer.postcode ?? t('location.yourLocation');
}

export function answerView(answer: LookupAnswer, ctx: AnswerContext): AnswerView {
  const { t } = ctx;
  const place = placeOf(answer, t);
  const notes: VNode[] = [];
  if (answer.status === 'terminated' && answer.postcode) {
    notes.push(
      el(
        'div',
        { class: 'panel panel--warning', id: 'terminated-note' },
        el(
          'p',
          {},
          el('strong', {}, t('answer.terminated', { postcode: answer.postcode })),
          answer.terminated ? t('answer.terminatedWhen', { month: monthYear(answer.terminated, t) }) : '.',
        ),
        el('p', {}, t('answer.terminatedAdvice')),
      ),
    );
  }
  let heading: string;
  let announcement: string;
  let card: VNode;
  const nearest = ctx.nearby[0] ?? answer.nearestHub;
  const nearestText = nearest
    ? t('answer.nearestAnnounce', { hub: nearest.name, distance: formatDistance(nearest.distanceM) })
    : '';
  if (answer.hub) {
    if (answer.match === 'boundary') {
      notes.push(
        el(
          'div',
          { class: 'panel panel--info', id: 'boundary-note' },
          el('p', {}, t('answer.boundary', { place })),
        ),
      );
    }
    card = hubCard(answer.hub, place, answer, ctx);
    heading = answer.hub.name;
    announcement = t('answer.found', {
      hub: answer.hub.name,
      distance: formatDistance(answer.hub.distanceM),
      place,
    });
  } else if (answer.match === 'gap') {
    heading = t('answer.gapTitle', { place });
    card = noHubCard(heading, t('answer.gapText', { place, area: ctx.areaName }), ctx);
    announcement = t('answer.gapAnnounce', { place }) + nearestText;
  } else {
    heading = t('answer.outsideTitle', { place });
    const areas = joinList(t, ctx.servedAreas) || ctx.areaName;
    card = noHubCard(heading, t('answer.outsideText', { areas }), ctx);
    announcement = t('answer.outsideAnnounce', { place }) + nearestText;
  }
  return {
    heading,
    announcement,
    nodes: [
      ...notes,
      card,
      ctx.fullPageHref
        ? el('p', {}, el('a', { href: ctx.fullPageHref, target: '_top' }, t('answer.fullPage')))
        : null,
      el(
        'p',
        { class: 'meta', id: 'answer-version' },
        t('answer.version', { area: ctx.areaName, version: answer.version ?? 'draft' }),
      ),
    ],
  };
}

function monthYear(yyyyMm: string, t: Translate): string {
  const m = /^(\d{4})-(\d{2})$/.exec(yyyyMm);
  if (!m) return yyyyMm;
  return `${t('months').split(',')[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

function hubCard(hub: SiteWithDistance, place: string, answer: LookupAnswer, ctx: AnswerContext): VNode {
  const { t } = ctx;
  return el(
    'article',
    { class: 'hub-card', id: 'hub-card', 'aria-labelledby': 'hub-name' },
    el('p', { class: 'eyebrow' }, t('answer.eyebrow')),
    el('h2', { id: 'hub-name', class: 'hub-card__name' }, hub.name),
    el(
      'p',
      { class: 'distance' },
      t('answer.distanceFrom', { distance: formatDistance(hub.distanceM), place }),
    ),
    siteFacts(hub, t),
    el('h3', {}, t('answer.services')),
    el('ul', { class: 'services' }, ...hub.services.map((s) => el('li', {}, s.label))),
    answer.spokes.length > 0
      ? [
          el('h3', {}, t('answer.spokes')),
          el('p', { class: 'hint' }, t('answer.spokesHint', { hub: hub.name, place })),
          el('ol', { class: 'spokes', id: 'spokes' }, ...answer.spokes.map((s) => spokeItem(s))),
        ]
      : null,
    answer.hvPatch || answer.cocTeam
      ? [
          el('h3', {}, t('answer.alsoServing', { place })),
          el(
            'dl',
            { class: 'facts facts--compact' },
            answer.hvPatch ? [el('dt', {}, t('answer.hvTeam')), el('dd', {}, answer.hvPatch.name)] : null,
            answer.cocTeam
              ? [el('dt', {}, t('answer.midwiferyTeam')), el('dd', {}, answer.cocTeam.name)]
              : null,
          ),
        ]
      : null,
  );
}

function noHubCard(heading: string, text: string, ctx: AnswerContext): VNode {
  const { t, nearby } = ctx;
  return el(
    'article',
    { class: 'panel panel--info', id: 'no-hub', 'aria-labelledby': 'no-hub-title' },
    el('h2', { class: 'panel__title', id: 'no-hub-title' }, heading),
    el('p', {}, text),
    nearby.length > 0
      ? [
          el('h3', {}, t('answer.nearbyTitle')),
          el(
            'ol',
            { class: 'nearby', id: 'nearby-hubs' },
            ...nearby.map((site, i) =>
              el(
                'li',
                {},
                el('p', { class: 'hub-card__name', id: i === 0 ? 'nearest-hub' : null }, site.name),
                el(
                  'p',
                  { class: 'distance' },
                  t('answer.distanceAway', { distance: formatDistance(site.distanceM) }),
                ),
                siteFacts(site, t),
              ),
            ),
          ),
        ]
      : null,
  );
}

function spokeItem(spoke: SiteWithDistance): VNode {
  const hours = describeOpeningHours(spoke.openingHours);
  return el(
    'li',
    { class: 'spoke' },
    el(
      'p',
      { class: 'spoke__name' },
      spoke.name,
      ' ',
      el('span', { class: 'distance' }, `– ${formatDistance(spoke.distanceM)}`),
    ),
    el('p', {}, spoke.address, ', ', spoke.postcode),
    el(
      'p',
      { class: 'hint' },
      hours ? hours.map((r) => `${r.days}: ${r.hours}`).join('; ') : spoke.openingHours,
    ),
  );
}

function siteFacts(site: SiteAnswer, t: Translate): VNode {
  const hours = describeOpeningHours(site.openingHours);
  const website = safeHttpUrl(site.contact.website);
  return el(
    'dl',
    { class: 'facts' },
    el('dt', {}, t('facts.address')),
    el('dd', {}, site.address, el('br'), site.postcode),
    el('dt', {}, t('facts.hours')),
    el(
      'dd',
      {},
      hours
        ? el(
            'table',
            { class: 'hours' },
            el('caption', { class: 'visually-hidden' }, t('facts.hoursCaption', { site: site.name })),
            el(
              'tbody',
              {},
              ...hours.map((r) => el('tr', {}, el('th', { scope: 'row' }, r.days), el('td', {}, r.hours))),
            ),
          )
        : site.openingHours,
    ),
    site.contact.phone
      ? [
          el('dt', {}, t('facts.phone')),
          el('dd', {}, el('a', { href: telHref(site.contact.phone) }, site.contact.phone)),
        ]
      : null,
    site.contact.email
      ? [
          el('dt', {}, t('facts.email')),
          el('dd', {}, el('a', { href: `mailto:${site.contact.email}` }, site.contact.email)),
        ]
      : null,
    website
      ? [
          el('dt', {}, t('facts.website')),
          el(
            'dd',
            {},
            el(
              'a',
              { href: website, rel: 'noopener', target: '_top' },
              t('facts.websiteLink', { site: site.name }),
              el('span', { class: 'visually-hidden' }, t('facts.websiteHint')),
            ),
          ),
        ]
      : null,
    el('dt', {}, t('facts.ages')),
    el('dd', {}, formatAges(site.ages)),
    el('dt', {}, t('facts.operator')),
    el('dd', {}, site.operator),
  );
}

/** A problem the API answered (RFC 9457 `type`'s last segment, status and detail), or none reached. */
export interface ProblemInput {
  readonly code: string;
  /** 0 when the service could not be reached. */
  readonly status: number;
  readonly detail: string | null;
}

export type ProblemView =
  /** A malformed or empty postcode: said on the field. */
  | { readonly kind: 'field'; readonly message: string }
  | { readonly kind: 'panel'; readonly heading: string; readonly advice: string; readonly nodes: VNode[] };

export function problemView(postcode: string, problem: ProblemInput, t: Translate): ProblemView {
  if (problem.code === 'invalid-postcode')
    return { kind: 'field', message: problem.detail ?? t('form.empty') };
  const shown = postcode.toUpperCase();
  let heading: string;
  let advice: string;
  switch (problem.code) {
    case 'postcode-not-found':
      heading = t('problem.notFound', { postcode: shown });
      advice = t('problem.notFoundAdvice');
      break;
    case 'postcode-without-location':
      heading = t('problem.noLocation', { postcode: shown });
      advice = t('problem.noLocationAdvice');
      break;
    case 'service-unavailable':
      heading = t('problem.unavailable');
      advice = t('problem.unavailableAdvice');
      break;
    default:
      heading = problem.status === 0 ? t('problem.unreachable') : t('problem.other');
      advice = t('problem.otherAdvice');
  }
  return {
    kind: 'panel',
    heading,
    advice,
    nodes: [
      el(
        'div',
        { class: 'panel panel--problem', id: 'problem' },
        el('h2', { class: 'panel__title' }, heading),
        problem.detail ? el('p', { class: 'problem-detail' }, problem.detail) : null,
        el('p', {}, advice),
      ),
    ],
  };
}

export { textOf };
