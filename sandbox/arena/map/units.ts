/** Meters per Source unit (1 unit = 1 inch). */
export const METERS_PER_UNIT = 0.0254;
