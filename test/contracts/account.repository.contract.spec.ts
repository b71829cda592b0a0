import { accountRepositoryContract } from './account.repository.contract';
import { runContract } from './harness';

runContract(accountRepositoryContract);
