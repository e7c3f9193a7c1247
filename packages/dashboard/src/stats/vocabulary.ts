import { DIMENSION_NAMES, type Dimension } from '@quiet-analytics/core'

/** Dimensions the breakdown table holds: the vocabulary of core, by name. */
export const DIMENSIONS = DIMENSION_NAMES

export type DashboardDimension = Dimension
