/** Stream names of the analyst's records (ARCHITECTURE.md, "Streams"). */
export const analystStream = (askId: string): string => `analyst-${askId}`;
export const proposalStream = (proposalId: string): string => `proposal-${proposalId}`;
