/** Input bounds: far above any real trade, far below where integer maths loses precision. */
export const MAX_PAISE = 1_000_000_000_000_000; // 10^15 paise = 10^13 rupees
export const MAX_QUANTITY = 10_000_000;
export const MAX_PAGE = 200;
/** The largest JSON answer of a replay or lineage read; past it the answer is refused with how to page. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** One page of replay steps (each carries a whole state) ends before this much JSON. */
export const MAX_STEPS_BYTES = 4 * 1024 * 1024;
