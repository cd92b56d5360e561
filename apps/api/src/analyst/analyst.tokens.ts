/** The analyst's settings (AppConfig.analyst) and the proposal book shared by the analyst and the endpoints. */
export const ANALYST_CONFIG = Symbol('ANALYST_CONFIG');
export const PROPOSAL_BOOK = Symbol('PROPOSAL_BOOK');
