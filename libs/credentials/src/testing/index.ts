/** For tests: the contract every CredentialStore passes, and a key as the key manager would store it. */
export * from './credential-store.contract';
