// Licence attributions that must travel with the illustrative data sets, verbatim from the open
// data's own README (boundaries: martinjc/UK-GeoJSON, OGL v3; postcodes: OS Code-Point Open).

/** ONS/OS boundaries (the 2013 wards and 2011 LSOAs), Open Government Licence v3.0. */
export const BOUNDARY_ATTRIBUTION =
  'Contains Ordnance Survey, Office of National Statistics, National Records Scotland and LPS Intellectual ' +
  'Property data © Crown copyright and database right [2016]. Data licensed under the terms of the Open ' +
  'Government Licence (http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3). ' +
  'Ordnance Survey data covered by OS OpenData Licence. Any further sub-licences must retain this attribution.';

/** OS Code-Point Open 2025.4.0 (October 2025). */
export const CODE_POINT_2025_ATTRIBUTION: readonly string[] = [
  'Contains OS data © Crown copyright and database right 2025.',
  'Contains Royal Mail data © Royal Mail copyright and database right 2025.',
  'Contains National Statistics data © Crown copyright and database right 2025.',
];

/** OS Code-Point Open 2014.3.0 (August 2014), the source of the sample area's terminated postcodes. */
export const CODE_POINT_2014_ATTRIBUTION: readonly string[] = [
  'Contains Ordnance Survey data © Crown copyright and database right 2014.',
  'Contains Royal Mail data © Royal Mail copyright and database right 2014.',
  'Contains National Statistics data © Crown copyright and database right 2014.',
];
