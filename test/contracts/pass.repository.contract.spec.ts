import { runContract } from './harness';
import { passRepositoryContract } from './pass.repository.contract';

runContract(passRepositoryContract);
