import type { EventStore } from '../event-store.port';
import { appendContract } from './contract-append';
import { limitsContract } from './contract-limits';
import { readContract } from './contract-read';
import { subscriptionContract } from './contract-subscribe';

export interface ContractFixture {
  store: EventStore;
  cleanup: () => Promise<void>;
}

/**
 * The behaviour every EventStore adapter must show, whatever is underneath. Each test gets a fixture from
 * `factory` (a fresh store, or a client of a shared server) and uses stream names no one else uses, so the
 * suite can also run against one EventStoreDB shared by parallel test files.
 */
export function eventStoreContract(adapterName: string, factory: () => Promise<ContractFixture>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: ContractFixture | null = null;

    beforeEach(async () => {
      fixture = await factory();
    });

    afterEach(async () => {
      const current = fixture;
      fixture = null;
      await current?.cleanup();
    });

    const store = (): EventStore => {
      if (fixture === null) throw new Error('the contract fixture is not set up');
      return fixture.store;
    };

    appendContract(store);
    readContract(store);
    subscriptionContract(store);
    limitsContract(store);
  });
}
