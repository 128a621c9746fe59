// The hand-made design of the illustrative Gloucestershire network: which towns get a hub or a spoke,
// which HV patches deliberately cross a hub boundary, and which midwifery team boundaries deliberately
// disagree with the patches. Everything else (catchments, patches, teams) is derived by rules in
// build.ts. Ward names are WD13 names and are looked up within the place's district, because ward
// names repeat across districts (Hucclecote is a ward in both Gloucester and Tewkesbury).

export const DISTRICTS = {
  E07000078: 'Cheltenham',
  E07000079: 'Cotswold',
  E07000080: 'Forest of Dean',
  E07000081: 'Gloucester',
  E07000082: 'Stroud',
  E07000083: 'Tewkesbury',
} as const;
export type DistrictCode = keyof typeof DISTRICTS;
export const DISTRICT_CODES = Object.keys(DISTRICTS).sort() as DistrictCode[];

/** Where a site goes: the postcode with the most neighbours inside its ward(s) and postcode sector(s). */
export interface PlaceSpec {
  /** Slug used in ids: `hub-<slug>`, `spoke-<slug>`. */
  readonly slug: string;
  /** The real town or village the site is in. */
  readonly town: string;
  readonly district: DistrictCode;
  /** WD13 ward names (in `district`) whose postcodes are candidates for the site's point. */
  readonly wards: readonly string[];
  /** Postcode sectors (`GL17 0`) that pick the named settlement out of a multi-village ward. */
  readonly sectors?: readonly string[];
}

export interface HubSpec extends PlaceSpec {
  readonly name: string;
  /** The verified real address, for the two centres the shared data could confirm. */
  readonly realAddress?: string;
  /** Display stem for the hub's HV patch names (the hub's town, or its area within a town). */
  readonly patchStem: string;
}

/** 17 hubs, the number on the county's "Family Hub Offer" page; the split per district is ours. */
export const HUBS: readonly HubSpec[] = [
  {
    slug: 'cheltenham-west',
    name: 'Cheltenham West Children and Family Centre',
    town: 'Cheltenham',
    patchStem: 'Cheltenham West',
    district: 'E07000078',
    wards: ["St Mark's"],
  },
  {
    slug: 'cheltenham-east',
    name: 'Cheltenham East Children and Family Centre',
    town: 'Cheltenham',
    patchStem: 'Cheltenham East',
    district: 'E07000078',
    wards: ['Oakley'],
  },
  {
    slug: 'gloucester-central',
    name: 'Gloucester Central Children and Family Centre',
    town: 'Gloucester',
    patchStem: 'Gloucester Central',
    district: 'E07000081',
    wards: ['Westgate'],
    sectors: ['GL1 1', 'GL1 2'],
  },
  {
    slug: 'gloucester-east',
    name: 'Gloucester East Children and Family Centre',
    town: 'Gloucester',
    patchStem: 'Gloucester East',
    district: 'E07000081',
    wards: ['Barnwood'],
  },
  {
    slug: 'gloucester-south',
    name: 'Gloucester South Children and Family Centre',
    town: 'Gloucester',
    patchStem: 'Gloucester South',
    district: 'E07000081',
    wards: ['Podsmead'],
  },
  {
    slug: 'tewkesbury',
    name: 'Tewkesbury Children and Family Centre',
    town: 'Tewkesbury',
    patchStem: 'Tewkesbury',
    district: 'E07000083',
    wards: ['Tewkesbury Town with Mitton', 'Tewkesbury Newtown', "Tewkesbury Prior's Park"],
  },
  {
    slug: 'bishops-cleeve',
    name: "Bishop's Cleeve Children and Family Centre",
    town: "Bishop's Cleeve",
    patchStem: "Bishop's Cleeve",
    district: 'E07000083',
    wards: ["Cleeve St Michael's", 'Cleeve Grange', 'Cleeve West'],
  },
  {
    slug: 'cinderford',
    name: 'Cinderford Children and Family Centre',
    town: 'Cinderford',
    patchStem: 'Cinderford',
    district: 'E07000080',
    wards: ['Cinderford East', 'Cinderford West'],
  },
  {
    slug: 'coleford',
    name: 'Coleford Children and Family Centre',
    town: 'Coleford',
    patchStem: 'Coleford',
    district: 'E07000080',
    wards: ['Coleford Central', 'Coleford East'],
  },
  {
    slug: 'lydney',
    name: 'Lydney Children and Family Centre',
    town: 'Lydney',
    patchStem: 'Lydney',
    district: 'E07000080',
    wards: ['Lydney East', 'Lydney North'],
  },
  {
    // The real Stroud centre is at The Red Lodge in Stonehouse (Stroud News and Journal).
    slug: 'stroud',
    name: 'Stroud Children and Family Centre',
    town: 'Stonehouse',
    patchStem: 'Stroud',
    district: 'E07000082',
    wards: ['Stonehouse'],
    realAddress: 'The Red Lodge, Stonehouse',
  },
  {
    slug: 'dursley',
    name: 'Dursley Children and Family Centre',
    town: 'Dursley',
    patchStem: 'Dursley',
    district: 'E07000082',
    wards: ['Dursley'],
  },
  {
    slug: 'nailsworth',
    name: 'Nailsworth Children and Family Centre',
    town: 'Nailsworth',
    patchStem: 'Nailsworth',
    district: 'E07000082',
    wards: ['Nailsworth'],
  },
  {
    // The real Cotswold centre is in Lewis Lane, Cirencester (Stroud News and Journal).
    slug: 'cotswolds',
    name: 'Cotswolds Children and Family Centre',
    town: 'Cirencester',
    patchStem: 'Cirencester',
    district: 'E07000079',
    wards: [
      'Cirencester Beeches',
      'Cirencester Chesterton',
      'Cirencester Park',
      'Cirencester Stratton-Whiteway',
      'Cirencester Watermoor',
    ],
    realAddress: 'Lewis Lane, Cirencester',
  },
  {
    slug: 'tetbury',
    name: 'Tetbury Children and Family Centre',
    town: 'Tetbury',
    patchStem: 'Tetbury',
    district: 'E07000079',
    wards: ['Tetbury'],
  },
  {
    slug: 'moreton-in-marsh',
    name: 'Moreton-in-Marsh Children and Family Centre',
    town: 'Moreton-in-Marsh',
    patchStem: 'Moreton-in-Marsh',
    district: 'E07000079',
    wards: ['Moreton-in-Marsh'],
  },
  {
    slug: 'bourton-on-the-water',
    name: 'Bourton-on-the-Water Children and Family Centre',
    town: 'Bourton-on-the-Water',
    patchStem: 'Bourton-on-the-Water',
    district: 'E07000079',
    wards: ['Bourton-on-the-Water'],
  },
];

/** 27 spokes in other real towns and villages; each one's hub is the catchment its point falls in. */
export const SPOKES: readonly PlaceSpec[] = [
  { slug: 'hesters-way', town: 'Hesters Way', district: 'E07000078', wards: ['Hesters Way'] },
  { slug: 'charlton-kings', town: 'Charlton Kings', district: 'E07000078', wards: ['Charlton Kings'] },
  { slug: 'prestbury', town: 'Prestbury', district: 'E07000078', wards: ['Prestbury'], sectors: ['GL52 3'] },
  { slug: 'leckhampton', town: 'Leckhampton', district: 'E07000078', wards: ['Leckhampton'] },
  { slug: 'quedgeley', town: 'Quedgeley', district: 'E07000081', wards: ['Quedgeley Severn Vale'] },
  { slug: 'kingsway', town: 'Kingsway', district: 'E07000081', wards: ['Quedgeley Fieldcourt'] },
  { slug: 'tuffley', town: 'Tuffley', district: 'E07000081', wards: ['Tuffley'] },
  { slug: 'matson', town: 'Matson', district: 'E07000081', wards: ['Matson and Robinswood'] },
  {
    slug: 'winchcombe',
    town: 'Winchcombe',
    district: 'E07000083',
    wards: ['Winchcombe'],
    sectors: ['GL54 5'],
  },
  {
    slug: 'churchdown',
    town: 'Churchdown',
    district: 'E07000083',
    wards: ["Churchdown St John's", 'Churchdown Brookfield'],
  },
  { slug: 'brockworth', town: 'Brockworth', district: 'E07000083', wards: ['Brockworth'] },
  {
    slug: 'highnam',
    town: 'Highnam',
    district: 'E07000083',
    wards: ['Highnam with Haw Bridge'],
    sectors: ['GL2 8'],
  },
  { slug: 'newent', town: 'Newent', district: 'E07000080', wards: ['Newent Central'] },
  {
    slug: 'mitcheldean',
    town: 'Mitcheldean',
    district: 'E07000080',
    wards: ['Mitcheldean and Drybrook'],
    sectors: ['GL17 0'],
  },
  {
    slug: 'newnham',
    town: 'Newnham',
    district: 'E07000080',
    wards: ['Newnham and Westbury'],
    sectors: ['GL14 1'],
  },
  { slug: 'bream', town: 'Bream', district: 'E07000080', wards: ['Bream'], sectors: ['GL15 6'] },
  { slug: 'berkeley', town: 'Berkeley', district: 'E07000082', wards: ['Berkeley'], sectors: ['GL13 9'] },
  {
    slug: 'wotton-under-edge',
    town: 'Wotton-under-Edge',
    district: 'E07000082',
    wards: ['Wotton-under-Edge'],
    sectors: ['GL12 7'],
  },
  { slug: 'painswick', town: 'Painswick', district: 'E07000082', wards: ['Painswick'], sectors: ['GL6 6'] },
  {
    slug: 'minchinhampton',
    town: 'Minchinhampton',
    district: 'E07000082',
    wards: ['Minchinhampton'],
    sectors: ['GL6 9'],
  },
  { slug: 'cam', town: 'Cam', district: 'E07000082', wards: ['Cam East', 'Cam West'] },
  {
    slug: 'stow-on-the-wold',
    town: 'Stow-on-the-Wold',
    district: 'E07000079',
    wards: ['Beacon-Stow'],
    sectors: ['GL54 1'],
  },
  {
    slug: 'chipping-campden',
    town: 'Chipping Campden',
    district: 'E07000079',
    wards: ['Campden-Vale'],
    sectors: ['GL55 6'],
  },
  {
    slug: 'northleach',
    town: 'Northleach',
    district: 'E07000079',
    wards: ['Northleach'],
    sectors: ['GL54 3'],
  },
  {
    slug: 'lechlade',
    town: 'Lechlade',
    district: 'E07000079',
    wards: ['Kempsford-Lechlade'],
    sectors: ['GL7 3'],
  },
  { slug: 'fairford', town: 'Fairford', district: 'E07000079', wards: ['Fairford'], sectors: ['GL7 4'] },
  {
    slug: 'andoversford',
    town: 'Andoversford',
    district: 'E07000079',
    wards: ['Sandywell'],
    sectors: ['GL54 4'],
  },
];

/** A ward a planner would give to another hub than the nearest-hub rule does, and why. */
export interface CatchmentOverrideSpec {
  readonly district: DistrictCode;
  readonly ward: string;
  readonly toHub: string;
  readonly reason: string;
}

export const CATCHMENT_OVERRIDES: readonly CatchmentOverrideSpec[] = [
  {
    district: 'E07000083',
    ward: 'Coombe Hill',
    toHub: 'bishops-cleeve',
    reason:
      'Coombe Hill links the Tewkesbury wards south-west of Cheltenham (Churchdown, Innsworth, Badgeworth, ' +
      "Shurdington, Brockworth, Hucclecote) to the Cleeve wards; without it they are detached from Bishop's " +
      'Cleeve, their nearest hub, and the contiguity fix would hand them all to Tewkesbury.',
  },
];

/** Continuity of Carer midwifery teams, each built from the HV patches of the listed hubs. */
export interface TeamSpec {
  readonly slug: string;
  readonly name: string;
  readonly hubs: readonly string[];
}

export const TEAMS: readonly TeamSpec[] = [
  { slug: 'cheltenham', name: 'Cheltenham', hubs: ['cheltenham-west', 'cheltenham-east'] },
  {
    slug: 'gloucester-city',
    name: 'Gloucester City',
    hubs: ['gloucester-central', 'gloucester-east', 'gloucester-south'],
  },
  {
    slug: 'tewkesbury-severn-vale',
    name: 'Tewkesbury & Severn Vale',
    hubs: ['tewkesbury', 'bishops-cleeve'],
  },
  { slug: 'forest-north', name: 'Forest of Dean North & Newent', hubs: ['cinderford'] },
  { slug: 'forest-south', name: 'Forest of Dean South', hubs: ['coleford', 'lydney'] },
  { slug: 'stroud-valleys', name: 'Stroud Valleys', hubs: ['stroud', 'nailsworth'] },
  { slug: 'berkeley-vale', name: 'Berkeley Vale', hubs: ['dursley'] },
  { slug: 'north-cotswolds', name: 'North Cotswolds', hubs: ['moreton-in-marsh', 'bourton-on-the-water'] },
  { slug: 'south-cotswolds', name: 'South Cotswolds', hubs: ['cotswolds', 'tetbury'] },
];

/** A deliberate HV patch that crosses a hub boundary: a patch of `toHub` also takes `ward`. */
export interface CrossPatchSpec {
  readonly district: DistrictCode;
  readonly ward: string;
  readonly toHub: string;
}

// Each pair of hubs is in the same midwifery team, so these disturb only hub/patch alignment.
export const CROSS_PATCHES: readonly CrossPatchSpec[] = [
  { district: 'E07000078', ward: 'Leckhampton', toHub: 'cheltenham-east' },
  { district: 'E07000080', ward: 'Pillowell', toHub: 'lydney' },
  { district: 'E07000081', ward: 'Longlevens', toHub: 'gloucester-east' },
];

/** A deliberate midwifery misalignment: `ward` leaves its patch's team for `toTeam`. */
export interface TeamMoveSpec {
  readonly district: DistrictCode;
  readonly ward: string;
  readonly toTeam: string;
  /** Checked by the generator: whether `ward` lies outside the districts of `toTeam`'s hubs. */
  readonly kind: 'splits-patch' | 'crosses-district';
}

// Each moved ward touches its new team and leaves a patch of two or more wards, so a planner can fix
// it by moving one ward back.
export const TEAM_MOVES: readonly TeamMoveSpec[] = [
  { district: 'E07000082', ward: 'Severn', toTeam: 'berkeley-vale', kind: 'splits-patch' },
  { district: 'E07000083', ward: 'Shurdington', toTeam: 'cheltenham', kind: 'crosses-district' },
  { district: 'E07000079', ward: 'Riversmeet', toTeam: 'south-cotswolds', kind: 'splits-patch' },
];
